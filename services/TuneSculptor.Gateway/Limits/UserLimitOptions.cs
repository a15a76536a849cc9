using System.ComponentModel.DataAnnotations;

namespace TuneSculptor.Gateway.Limits;

/// <summary>
/// What one user may hold at once (<c>Limits</c> section), counted in MongoDB so every gateway replica holds to the
/// same numbers (<see cref="UserLimits"/>). The defaults are in the README's "Limits" table, with why.
/// </summary>
public sealed class UserLimitOptions
{
    public const string Section = "Limits";

    /// <summary>
    /// Bytes of videos and mp3s a user's jobs may hold (default 5 GiB: two uploads of the largest file, 2 GiB, and
    /// their mp3s). Videos go once converted and mp3s after the retention age, so the room comes back by itself.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxStoredBytes { get; set; } = 5L * 1024 * 1024 * 1024;

    /// <summary>Jobs a user may have queued or converting, uploads in flight included (default 10).</summary>
    [Range(1, int.MaxValue)]
    public int MaxActiveJobs { get; set; } = 10;

    /// <summary>Uploads of one user whose body is still arriving (default 2).</summary>
    [Range(1, int.MaxValue)]
    public int MaxUploadsInFlight { get; set; } = 2;

    /// <summary>Open <c>GET /jobs/events</c> streams of one user (default 5: a few tabs and devices).</summary>
    [Range(1, int.MaxValue)]
    public int MaxEventStreams { get; set; } = 5;

    /// <summary>
    /// How long a slot (an upload in flight, an open stream) lives unless its gateway renews it, which it does every
    /// third of this (default 1 min): how long a gateway killed outright keeps a user's slots.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:03", "01:00:00")]
    public TimeSpan ReservationLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The <c>Retry-After</c> of a refusal for too many jobs: about how long a short conversion takes (default 60 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ActiveJobsRetryAfter { get; set; } = TimeSpan.FromSeconds(60);
}
