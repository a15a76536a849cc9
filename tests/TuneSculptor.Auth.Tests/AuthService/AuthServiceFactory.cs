using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TuneSculptor.Auth.Tokens;

namespace TuneSculptor.Auth.Tests.AuthService;

/// <summary>
/// The auth service in-process, as the AppHost runs it in Development (the development account is seeded), on the
/// database <paramref name="connectionString"/> names, with <paramref name="settings"/> on top of its own. Its log goes
/// to the output of the test that caused it, shown when that test fails. (The factory's type argument only names auth's
/// assembly: <c>Program</c> would be ambiguous here, since the AppHost, referenced through TuneSculptor.Testing, has one.)
/// Requests come from <paramref name="peer"/>, loopback unless given: where the gateway calls from in Development, which
/// trusts loopback's <c>X-Forwarded-For</c>. <paramref name="services"/> may wrap a service, e.g. to count its calls.
/// </summary>
public sealed class AuthServiceFactory(
    string connectionString,
    IReadOnlyDictionary<string, string>? settings = null,
    IPAddress? peer = null,
    Action<IServiceCollection>? services = null)
    : WebApplicationFactory<AuthOptions>
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A client for the service; the migrations it runs at start-up are done (<c>/health</c> answers 200).</summary>
    public async Task<HttpClient> CreateReadyClientAsync(CancellationToken cancellationToken)
    {
        var client = CreateClient();
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            using var health = await client.GetAsync("/health", cancellationToken);
            if (health.StatusCode == HttpStatusCode.OK)
            {
                return client;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"auth not ready within {ReadyTimeout.TotalSeconds:0} s: {await health.Content.ReadAsStringAsync(cancellationToken)}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:authdb", connectionString);
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(name, value);
        }

        // The test server has no connection: give its requests the peer address a socket would, before any middleware
        // (the first filter is the outermost; ASPNETCORE_FORWARDEDHEADERS_ENABLED adds one that reads the address).
        builder.ConfigureServices(collection =>
            collection.Insert(0, ServiceDescriptor.Singleton<IStartupFilter>(new PeerAddress(peer ?? IPAddress.Loopback))));
        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }

        // Requests run in the test's context, so what the service logs for them lands in that test's output.
        builder.UseTestServer(options => options.PreserveExecutionContext = true);
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(new TestOutputLoggerProvider()));
    }

    private sealed class PeerAddress(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
