using Microsoft.Extensions.Options;
using MongoDB.Driver;
using TuneSculptor.Gateway.Http;
using TuneSculptor.Gateway.Uploads;
using TuneSculptor.Storage;

namespace TuneSculptor.Gateway.Limits;

/// <summary>
/// The per-user limits (<see cref="UserLimitOptions"/>), checked against MongoDB so they hold across gateway replicas:
/// uploads in flight and event streams take an atomic slot (<see cref="UserReservations"/>); jobs and stored bytes
/// are counted (<see cref="UserUsage"/>) once the upload holds its slot, so concurrent uploads see each other.
/// </summary>
public sealed partial class UserLimits(
    UserUsage usage, UserReservations reservations, IOptions<UserLimitOptions> options, ILogger<UserLimits> logger)
{
    /// <summary>
    /// Whether <paramref name="ownerId"/> may upload now, before the body is read. <paramref name="contentLength"/>,
    /// when announced, refuses at once a file that cannot fit the quota (the body less the form's framing).
    /// </summary>
    public async Task<UploadAdmission> AdmitUploadAsync(string ownerId, long? contentLength, CancellationToken cancellationToken)
    {
        try
        {
            return await DecideUploadAsync(ownerId, contentLength, cancellationToken);
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            LogUnavailable(ex);
            return new UploadAdmission.Refused(Problems.Unavailable("The job store is unreachable."));
        }
    }

    private async Task<UploadAdmission> DecideUploadAsync(string ownerId, long? contentLength, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        // The smallest the file can be: the body less the most an honest form's framing takes.
        var leastFileBytes = Math.Max(0, (contentLength ?? 0) - UploadOptions.FormOverhead);
        var reservation = await reservations.TryReserveAsync(
            ownerId, ReservationKind.Upload, limits.MaxUploadsInFlight, leastFileBytes, limits.ReservationLifetime, cancellationToken);
        if (reservation is null)
        {
            return new UploadAdmission.Refused(Problems.TooManyRequests(
                $"You have {limits.MaxUploadsInFlight} uploads in flight, the most at once: wait for one to finish.",
                limits.ReservationLifetime));
        }

        var lease = new UserLease(reservations, reservation, limits.ReservationLifetime, logger);
        try
        {
            // The other uploads in flight become jobs too.
            var activeJobs = await usage.ActiveJobsAsync(ownerId, cancellationToken) + reservation.Others;
            if (activeJobs >= limits.MaxActiveJobs)
            {
                await lease.DisposeAsync();
                return new UploadAdmission.Refused(Problems.TooManyRequests(
                    $"You have {activeJobs} jobs queued, converting or uploading; at most {limits.MaxActiveJobs} may be. " +
                    "Wait for one to finish, or delete one.",
                    limits.ActiveJobsRetryAfter));
            }

            var used = await usage.StoredBytesAsync(ownerId, cancellationToken) + reservation.OthersBytes;
            var remaining = limits.MaxStoredBytes - used;
            if (remaining <= 0 || leastFileBytes > remaining)
            {
                await lease.DisposeAsync();
                return new UploadAdmission.Refused(Problems.QuotaExceeded(limits.MaxStoredBytes, used));
            }

            return new UploadAdmission.Admitted(lease, limits.MaxStoredBytes, remaining);
        }
        catch
        {
            await lease.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A slot for one more event stream of <paramref name="ownerId"/>, held until the lease is disposed; otherwise the
    /// answer to give (429 when they have as many open as allowed, 503 when MongoDB is out of reach).
    /// </summary>
    public async Task<(UserLease? Lease, IResult? Refusal)> AdmitEventStreamAsync(string ownerId, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        Reservation? reservation;
        try
        {
            reservation = await reservations.TryReserveAsync(
                ownerId, ReservationKind.EventStream, limits.MaxEventStreams, 0, limits.ReservationLifetime, cancellationToken);
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            LogUnavailable(ex);
            return (null, Problems.Unavailable("The job store is unreachable."));
        }

        return reservation is null
            ? (null, Problems.TooManyRequests(
                $"You have {limits.MaxEventStreams} event streams open, the most at once: close one (a tab, say).",
                limits.ReservationLifetime))
            : (new UserLease(reservations, reservation, limits.ReservationLifetime, logger), null);
    }

    [LoggerMessage(LogLevel.Warning, "Checking a user's limits failed")]
    private partial void LogUnavailable(Exception exception);
}
