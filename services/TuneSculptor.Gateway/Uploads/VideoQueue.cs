using TuneSculptor.Contracts;
using TuneSculptor.Messaging;

namespace TuneSculptor.Gateway.Uploads;

/// <summary>The <c>video</c> queue on RabbitMQ, with publisher confirms.</summary>
public sealed class VideoQueue(MessagePublisher publisher) : IVideoQueue
{
    public Task PublishAsync(VideoUploaded message, CancellationToken cancellationToken) =>
        publisher.PublishAsync(Queues.Video, message, cancellationToken);
}
