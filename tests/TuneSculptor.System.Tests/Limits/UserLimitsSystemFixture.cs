using System.Globalization;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Limits;

/// <summary>
/// A system of its own for <see cref="UserLimitTests"/>: the per-user limits lowered by configuration, and no
/// converter running once it is up, so that jobs stay queued and videos stay stored while a test counts them.
/// </summary>
public sealed class UserLimitsSystemFixture : IAsyncLifetime
{
    public const long MaxStoredBytes = 1_000_000;
    public const int MaxActiveJobs = 2;
    public const int MaxUploadsInFlight = 1;
    public const int MaxEventStreams = 1;

    /// <summary>The Retry-After of a refusal for too many uploads in flight or streams open.</summary>
    public static readonly TimeSpan ReservationLifetime = TimeSpan.FromSeconds(30);

    /// <summary>The Retry-After of a refusal for too many jobs.</summary>
    public static readonly TimeSpan ActiveJobsRetryAfter = TimeSpan.FromSeconds(7);

    private HostProcessSystem? _system;

    public HostProcessSystem System => _system ?? throw new InvalidOperationException("The system did not start.");

    public async ValueTask InitializeAsync()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var system = await HostProcessSystem.StartHealthyAsync(builder =>
        {
            SystemFixture.Configure(builder);
            foreach (var (name, value) in new Dictionary<string, string>
            {
                ["Limits__MaxStoredBytes"] = MaxStoredBytes.ToString(CultureInfo.InvariantCulture),
                ["Limits__MaxActiveJobs"] = MaxActiveJobs.ToString(CultureInfo.InvariantCulture),
                ["Limits__MaxUploadsInFlight"] = MaxUploadsInFlight.ToString(CultureInfo.InvariantCulture),
                ["Limits__MaxEventStreams"] = MaxEventStreams.ToString(CultureInfo.InvariantCulture),
                ["Limits__ReservationLifetime"] = ReservationLifetime.ToString("c", CultureInfo.InvariantCulture),
                ["Limits__ActiveJobsRetryAfter"] = ActiveJobsRetryAfter.ToString("c", CultureInfo.InvariantCulture),
            })
            {
                HostProcessSystem.SetServiceEnvironment(builder, "gateway", name, value);
            }
        }, cancellation);
        try
        {
            await system.StopAsync("converter", cancellation);
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }

        _system = system;
    }

    public async ValueTask DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }
}
