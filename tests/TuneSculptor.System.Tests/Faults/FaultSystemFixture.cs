using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.Pipeline;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Faults;

/// <summary>
/// A system of its own for the fault tests, which kill and restart its processes: the shared one stays clean. The
/// notification reaches the mail server through an <see cref="SmtpInterceptor"/>, so a test can strike between a
/// mail's acceptance and its acknowledgement.
/// </summary>
public sealed class FaultSystemFixture : IAsyncLifetime
{
    private HostProcessSystem? _system;

    public HostProcessSystem System => _system ?? throw new InvalidOperationException("The system did not start.");

    public SmtpInterceptor Smtp { get; private set; } = null!;

    public MediaSamples Media { get; } = new();

    /// <summary>How long the converter retries a conversion failing transiently, in this system.</summary>
    public static readonly TimeSpan ConversionRetryFor = TimeSpan.FromSeconds(90);

    /// <summary>The long clip tests act on while it converts; made once.</summary>
    public string LongVideo { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Smtp = new SmtpInterceptor(async token => new Uri((await System.App.GetConnectionStringAsync("mail", token))!));
        var making = Media.LongVideoAsync();
        var system = await HostProcessSystem.StartAsync(builder =>
        {
            SystemFixture.Configure(builder);
            HostProcessSystem.SetServiceEnvironment(builder, "gateway", "Uploads__MaxFileSize", (64 * 1024 * 1024).ToString(global::System.Globalization.CultureInfo.InvariantCulture));
            HostProcessSystem.SetServiceEnvironment(builder, "notification", "ConnectionStrings__mail", Smtp.ConnectionString);
            // The soak mails each of its users 40 times within minutes, and uploads for them four at a time: the
            // per-recipient mail cap and the per-user uploads in flight are raised out of its way (VerificationTests
            // tests the cap at its default, UserLimitTests the uploads in flight).
            HostProcessSystem.SetServiceEnvironment(builder, "notification", "Notification__MailsPerRecipientPerHour", "10000");
            HostProcessSystem.SetServiceEnvironment(builder, "gateway", "Limits__MaxUploadsInFlight", "100000");
            // A conversion is retried for 90 s rather than the tests' 6 s: long enough for MongoDB to be stopped and
            // started again within it (each try against a stopped MongoDB takes 5 s to find no server).
            HostProcessSystem.SetServiceEnvironment(builder, "converter", "Messaging__Queues__video__Retry__GiveUpAfter", ConversionRetryFor.ToString("c", global::System.Globalization.CultureInfo.InvariantCulture));
        }, cancellationToken);
        _system = system;
        try
        {
            LongVideo = await making;
            await system.WaitForHealthyAsync(cancellationToken);
        }
        catch
        {
            _system = null;
            await system.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }

        await Smtp.DisposeAsync();
        Media.Dispose();
    }
}

[CollectionDefinition]
public sealed class FaultCollection : ICollectionFixture<FaultSystemFixture>;
