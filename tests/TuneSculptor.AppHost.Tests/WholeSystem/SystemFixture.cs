using TuneSculptor.AppHost.Tests.Harness;

namespace TuneSculptor.AppHost.Tests.WholeSystem;

/// <summary>One running system shared by the tests of <see cref="SystemCollection"/>.</summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private HostProcessSystem? _system;

    public HostProcessSystem System => _system ?? throw new InvalidOperationException("The system did not start.");

    public async ValueTask InitializeAsync()
    {
        var system = await HostProcessSystem.StartAsync(TestContext.Current.CancellationToken);
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
    }
}

[CollectionDefinition]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>;
