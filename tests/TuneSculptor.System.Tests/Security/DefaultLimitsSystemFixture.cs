using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Security;

/// <summary>
/// A system with the gateway's default upload limit (2 GiB), for <see cref="LargeUploadTests"/>: with the shared
/// system's 8 MiB, a 200 MiB part would be refused for its size before it is read, and an upload of 8 MiB is never
/// written to GridFS before it ends (the driver sends chunks in batches of 16 MB).
/// </summary>
public sealed class DefaultLimitsSystemFixture : IAsyncLifetime
{
    private HostProcessSystem? _system;

    public HostProcessSystem System => _system ?? throw new InvalidOperationException("The system did not start.");

    public async ValueTask InitializeAsync()
    {
        _system = await HostProcessSystem.StartHealthyAsync(configure: null, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }
}
