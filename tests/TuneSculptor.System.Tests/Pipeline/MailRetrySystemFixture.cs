using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Pipeline;

/// <summary>
/// A system of its own for <see cref="MailRetryStatusTests"/>: the notification retries mails every
/// <see cref="RetryDelay"/> for minutes, by configuration, where the shared system gives up after 6 s (too short to stop
/// and start the mail server around a job and watch it wait), and each wait long enough to be seen ahead of time.
/// </summary>
public sealed class MailRetrySystemFixture : SystemFixture
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(4);

    protected override void ConfigureSystem(IDistributedApplicationTestingBuilder builder, OtlpReceiver telemetry)
    {
        base.ConfigureSystem(builder, telemetry);
        var delay = RetryDelay.ToString("c", global::System.Globalization.CultureInfo.InvariantCulture);
        HostProcessSystem.SetServiceEnvironment(builder, "notification", "Messaging__Queues__mp3__Retry__FirstDelay", delay);
        HostProcessSystem.SetServiceEnvironment(builder, "notification", "Messaging__Queues__mp3__Retry__MaxDelay", delay);
        HostProcessSystem.SetServiceEnvironment(builder, "notification", "Messaging__Queues__mp3__Retry__GiveUpAfter", "00:05:00");
    }
}
