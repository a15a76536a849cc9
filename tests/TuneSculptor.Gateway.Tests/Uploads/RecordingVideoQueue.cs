using TuneSculptor.Contracts;
using TuneSculptor.Gateway.Uploads;

namespace TuneSculptor.Gateway.Tests.Uploads;

/// <summary>The queue the tests isolate the submission from: it keeps what is published, or refuses it.</summary>
public sealed class RecordingVideoQueue(Exception? refusal = null) : IVideoQueue
{
    public List<VideoUploaded> Published { get; } = [];

    public Task PublishAsync(VideoUploaded message, CancellationToken cancellationToken)
    {
        if (refusal is not null)
        {
            throw refusal;
        }

        Published.Add(message);
        return Task.CompletedTask;
    }
}
