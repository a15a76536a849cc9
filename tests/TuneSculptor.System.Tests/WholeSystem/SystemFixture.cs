using TuneSculptor.System.Tests.Harness;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.WholeSystem;

/// <summary>
/// One running system shared by the tests of <see cref="SystemCollection"/>, its services exporting their telemetry
/// to <see cref="Telemetry"/>.
/// </summary>
public class SystemFixture : IAsyncLifetime
{
    private HostProcessSystem? _system;
    private OtlpReceiver? _telemetry;

    public HostProcessSystem System => _system ?? throw new InvalidOperationException("The system did not start.");

    /// <summary>Every span and metric the services exported since the start.</summary>
    public OtlpReceiver Telemetry => _telemetry ?? throw new InvalidOperationException("The telemetry receiver did not start.");

    public async ValueTask InitializeAsync()
    {
        var telemetry = await OtlpReceiver.StartAsync(TestContext.Current.CancellationToken);
        _telemetry = telemetry;
        _system = await HostProcessSystem.StartHealthyAsync(builder => ConfigureSystem(builder, telemetry), TestContext.Current.CancellationToken);
    }

    /// <summary>How the system is set up before it starts: <see cref="Configure(IDistributedApplicationTestingBuilder, OtlpReceiver)"/>, and what a fixture of its own adds.</summary>
    protected virtual void ConfigureSystem(IDistributedApplicationTestingBuilder builder, OtlpReceiver telemetry) => Configure(builder, telemetry);

    /// <summary>The upload limit, lowered so that "too large" can be tested with a small file.</summary>
    public const long MaxUploadSize = 8 * 1024 * 1024;

    /// <summary>The least time between two verification mails to one account, lowered from a minute.</summary>
    public static readonly TimeSpan VerificationResendInterval = TimeSpan.FromSeconds(2);

    /// <summary>How long a message failing transiently is retried in the tests: seconds, where the services' own schedules take hours.</summary>
    public static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(6);

    /// <summary>The settings below, and every service's telemetry sent to <paramref name="telemetry"/>.</summary>
    public static void Configure(IDistributedApplicationTestingBuilder builder, OtlpReceiver telemetry)
    {
        // With the dashboard disabled Aspire still points every project at http://localhost:4317 (gRPC), where nothing
        // of ours listens; these are added after its settings, so they win.
        foreach (var service in builder.Resources.OfType<ProjectResource>().Select(project => project.Name))
        {
            foreach (var (name, value) in telemetry.ServiceEnvironment)
            {
                HostProcessSystem.SetServiceEnvironment(builder, service, name, value);
            }
        }

        Configure(builder);
    }

    /// <summary>Settings the shared system runs with, for tests that would otherwise wait for defaults.</summary>
    public static void Configure(IDistributedApplicationTestingBuilder builder)
    {
        HostProcessSystem.SetServiceEnvironment(builder, "gateway", "Uploads__MaxFileSize", MaxUploadSize.ToString(global::System.Globalization.CultureInfo.InvariantCulture));
        // Verification mails may be asked for again after 2 s instead of a minute (the day's cap stays the default).
        HostProcessSystem.SetServiceEnvironment(builder, "auth", "Auth__Verification__ResendInterval", VerificationResendInterval.ToString("c", global::System.Globalization.CultureInfo.InvariantCulture));
        // Every test signs up from 127.0.0.1, and some upload hundreds of jobs: the per-address and per-user limits
        // are raised out of their way (UserLimitTests and the gateway's ClientRateLimitTests test them, small).
        foreach (var policy in new[] { "Register", "Login", "Upload" })
        {
            HostProcessSystem.SetServiceEnvironment(builder, "gateway", $"RateLimits__{policy}__PermitLimit", "100000");
        }

        HostProcessSystem.SetServiceEnvironment(builder, "gateway", "Limits__MaxActiveJobs", "100000");
        foreach (var service in new[] { "gateway", "converter", "notification" })
        {
            // Transient failures are retried after 0.2 s, 0.4 s, … up to 3.2 s, for 6 s, on every queue, instead of the
            // services' schedules (an hour for a conversion, 6 h for a mail).
            HostProcessSystem.SetServiceEnvironment(builder, service, "Messaging__Retry__FirstDelay", "00:00:00.2");
            HostProcessSystem.SetServiceEnvironment(builder, service, "Messaging__Retry__MaxDelay", "00:00:03.2");
            HostProcessSystem.SetServiceEnvironment(builder, service, "Messaging__Retry__GiveUpAfter", RetryFor.ToString("c", global::System.Globalization.CultureInfo.InvariantCulture));
            // Dead letters counted every second instead of every 30 s (the metric and the dead-letters health check).
            HostProcessSystem.SetServiceEnvironment(builder, service, "Messaging__DeadLetterPollInterval", "00:00:01");
        }
    }

    /// <summary>
    /// Files kept for <paramref name="maxAge"/> instead of 24 h, swept every second: one setting, given to every service
    /// that reads it (the converter deletes by it, the mail states it, links expire with it), as the AppHost does.
    /// </summary>
    public static void SetRetention(IDistributedApplicationTestingBuilder builder, TimeSpan maxAge)
    {
        foreach (var service in new[] { "gateway", "converter", "notification" })
        {
            HostProcessSystem.SetServiceEnvironment(builder, service, "Retention__MaxAge", maxAge.ToString("c", global::System.Globalization.CultureInfo.InvariantCulture));
        }

        HostProcessSystem.SetServiceEnvironment(builder, "converter", "Retention__SweepInterval", "00:00:01");
    }

    public async ValueTask DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }

        // After the services: they flush their telemetry when they stop.
        if (_telemetry is not null)
        {
            await _telemetry.DisposeAsync();
        }
    }
}

[CollectionDefinition]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>;
