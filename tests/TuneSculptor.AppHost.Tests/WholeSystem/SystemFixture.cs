using TuneSculptor.AppHost.Tests.Harness;

namespace TuneSculptor.AppHost.Tests.WholeSystem;

/// <summary>One running system shared by the tests of <see cref="SystemCollection"/>.</summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private HostProcessSystem? _system;

    public HostProcessSystem System => _system ?? throw new InvalidOperationException("The system did not start.");

    public async ValueTask InitializeAsync()
    {
        var system = await HostProcessSystem.StartAsync(Configure, TestContext.Current.CancellationToken);
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

    /// <summary>The upload limit, lowered so that "too large" can be tested with a small file.</summary>
    public const long MaxUploadSize = 8 * 1024 * 1024;

    /// <summary>Deliveries of a message before it is failed and dead-lettered (the default, stated so tests can count).</summary>
    public const int DeliveryLimit = 5;

    /// <summary>Settings the shared system runs with, for tests that would otherwise wait for defaults.</summary>
    public static void Configure(IDistributedApplicationTestingBuilder builder)
    {
        HostProcessSystem.SetServiceEnvironment(builder, "gateway", "Uploads__MaxFileSize", MaxUploadSize.ToString(global::System.Globalization.CultureInfo.InvariantCulture));
        foreach (var service in new[] { "gateway", "converter", "notification" })
        {
            // Transient failures are retried after 0.2 s, 0.4 s, … instead of 1 s, 2 s, …
            HostProcessSystem.SetServiceEnvironment(builder, service, "Messaging__RetryDelay", "00:00:00.2");
            HostProcessSystem.SetServiceEnvironment(builder, service, "Messaging__DeliveryLimit", DeliveryLimit.ToString(global::System.Globalization.CultureInfo.InvariantCulture));
        }
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
