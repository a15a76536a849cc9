using TuneSculptor.Contracts;

namespace TuneSculptor.Gateway.Uploads;

/// <summary>Where accepted uploads wait for a converter: the <c>video</c> queue.</summary>
public interface IVideoQueue
{
    /// <summary>Returns once the broker has taken the message; throws if it did not.</summary>
    Task PublishAsync(VideoUploaded message, CancellationToken cancellationToken);
}
