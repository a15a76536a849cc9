using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Links;

/// <summary>
/// A system of its own for <see cref="DownloadLinkTests"/>: files (and so links) kept for <see cref="MaxAge"/> only, so
/// that a link can be seen to expire, with every service's telemetry received here (a link must not show in it).
/// </summary>
public sealed class LinkSystemFixture : IAsyncLifetime
{
    /// <summary>Long enough for a test to use a fresh link on a busy machine; short enough to wait for one to expire.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(45);

    private HostProcessSystem? _system;
    private OtlpReceiver? _telemetry;

    public HostProcessSystem System => _system ?? throw new InvalidOperationException("The system did not start.");

    public OtlpReceiver Telemetry => _telemetry ?? throw new InvalidOperationException("The telemetry receiver did not start.");

    public async ValueTask InitializeAsync()
    {
        var telemetry = await OtlpReceiver.StartAsync(TestContext.Current.CancellationToken);
        _telemetry = telemetry;
        var system = await HostProcessSystem.StartAsync(builder =>
        {
            SystemFixture.Configure(builder, telemetry);
            SystemFixture.SetRetention(builder, MaxAge);
        }, TestContext.Current.CancellationToken);
        try
        {
            await system.WaitForHealthyAsync(TestContext.Current.CancellationToken);
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

        if (_telemetry is not null)
        {
            await _telemetry.DisposeAsync();
        }
    }
}
