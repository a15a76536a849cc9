using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Links;

/// <summary>
/// A system of its own for <see cref="ExpiredLinkTests"/>: files (and so links) kept for <see cref="MaxAge"/> only, so
/// that a link can be seen to expire.
/// </summary>
public sealed class LinkSystemFixture : SystemFixture
{
    /// <summary>Long enough for a conversion's mail to arrive on a busy machine; short enough to wait for a link to expire.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(45);

    protected override void ConfigureSystem(IDistributedApplicationTestingBuilder builder, OtlpReceiver telemetry)
    {
        base.ConfigureSystem(builder, telemetry);
        SetRetention(builder, MaxAge);
    }
}
