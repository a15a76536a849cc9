using MongoDB.Driver;
using TuneSculptor.Storage;

namespace TuneSculptor.Gateway.Limits;

/// <summary>
/// A slot held in <see cref="UserReservations"/> for as long as a request runs: renewed every third of its lifetime
/// while held, given back when disposed. If this gateway dies, renewals stop and the slot expires by itself.
/// </summary>
public sealed partial class UserLease : IAsyncDisposable
{
    private readonly UserReservations _reservations;
    private readonly Reservation _reservation;
    private readonly TimeSpan _lifetime;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    public UserLease(UserReservations reservations, Reservation reservation, TimeSpan lifetime, ILogger logger)
    {
        _reservations = reservations;
        _reservation = reservation;
        _lifetime = lifetime;
        _logger = logger;
        _renewing = RenewUntilStoppedAsync(_stop.Token);
    }

    /// <summary>What the user's other slots of this kind held when this one was taken.</summary>
    public Reservation Reservation => _reservation;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        _stop.Dispose();
        try
        {
            await _reservations.ReleaseAsync(_reservation, CancellationToken.None);
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            // Not renewed any more, the slot expires within its lifetime anyway.
            LogReleaseFailed(ex, _reservation.Kind, _lifetime.TotalSeconds);
        }
    }

    private async Task RenewUntilStoppedAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_lifetime / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    if (!await _reservations.RenewAsync(_reservation, _lifetime, stopping))
                    {
                        // Expired while MongoDB was out of reach: the request goes on, the user may briefly get one more.
                        LogLost(_reservation.Kind);
                    }
                }
                catch (Exception ex) when (ex is MongoException or TimeoutException)
                {
                    LogRenewFailed(ex, _reservation.Kind);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposed: the request is over.
        }
    }

    [LoggerMessage(LogLevel.Warning, "Renewing a {Kind} slot failed; trying again")]
    private partial void LogRenewFailed(Exception exception, ReservationKind kind);

    [LoggerMessage(LogLevel.Warning, "A {Kind} slot expired while still in use")]
    private partial void LogLost(ReservationKind kind);

    [LoggerMessage(LogLevel.Warning, "Releasing a {Kind} slot failed; it expires within {Seconds} s")]
    private partial void LogReleaseFailed(Exception exception, ReservationKind kind, double seconds);
}
