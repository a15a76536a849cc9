using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace TuneSculptor.Gateway.Tests.Http;

/// <summary>
/// ServiceDefaults' trusted proxies (<c>AddTrustedProxies</c>/<c>UseTrustedProxies</c>, which the gateway and auth use),
/// on a bare web application over a test server: which address a request ends up with, given its peer and its
/// <c>X-Forwarded-For</c>. <c>FORWARDEDHEADERS_ENABLED</c> is how ASPNETCORE_FORWARDEDHEADERS_ENABLED reaches the
/// configuration (it makes ASP.NET Core add the middleware itself, and trust every peer).
/// </summary>
public sealed class TrustedProxyTests
{
    private const string Proxy = "127.0.0.1";
    private const string Stranger = "192.0.2.50";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_configured_proxies_no_forwarded_header_is_believed_not_even_from_loopback(bool forwardedHeadersEnabled)
    {
        await using var app = await StartAsync(forwardedHeadersEnabled, []);

        var request = await SendAsync(app, Proxy, "203.0.113.1", forwardedProto: "https");

        Assert.Equal(IPAddress.Parse(Proxy), request.Connection.RemoteIpAddress);
        Assert.Equal("http", request.Request.Scheme);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task From_inside_a_configured_network_the_forwarded_client_is_believed(bool forwardedHeadersEnabled)
    {
        await using var app = await StartAsync(forwardedHeadersEnabled, new() { ["TrustedProxies:Networks:0"] = "127.0.0.0/8" });

        var request = await SendAsync(app, "127.0.0.9", "203.0.113.1", forwardedProto: "https");

        Assert.Equal(IPAddress.Parse("203.0.113.1"), request.Connection.RemoteIpAddress);
        Assert.Equal("https", request.Request.Scheme);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task From_outside_the_configured_proxies_the_header_is_ignored(bool forwardedHeadersEnabled)
    {
        await using var app = await StartAsync(forwardedHeadersEnabled, new()
        {
            ["TrustedProxies:Networks:0"] = "127.0.0.0/8",
            ["TrustedProxies:Addresses:0"] = "10.0.0.5",
        });

        var request = await SendAsync(app, Stranger, "203.0.113.1", forwardedProto: "https");

        Assert.Equal(IPAddress.Parse(Stranger), request.Connection.RemoteIpAddress);
        Assert.Equal("http", request.Request.Scheme);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_trusted_address_is_believed_and_only_the_last_entry_is_taken(bool forwardedHeadersEnabled)
    {
        await using var app = await StartAsync(forwardedHeadersEnabled, new() { ["TrustedProxies:Addresses:0"] = Proxy });

        var request = await SendAsync(app, Proxy, "1.1.1.1, 2.2.2.2");

        Assert.Equal(IPAddress.Parse("2.2.2.2"), request.Connection.RemoteIpAddress);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_header_is_consumed_exactly_once_even_when_its_last_entry_is_itself_trusted(bool forwardedHeadersEnabled)
    {
        // 2.2.2.2 is trusted too: a second pass of the middleware would believe it, and take the client's own
        // left-most entry as its address.
        await using var app = await StartAsync(forwardedHeadersEnabled, new()
        {
            ["TrustedProxies:Addresses:0"] = Proxy,
            ["TrustedProxies:Networks:0"] = "2.2.2.0/24",
        });

        var request = await SendAsync(app, Proxy, "1.1.1.1, 2.2.2.2");

        Assert.Equal(IPAddress.Parse("2.2.2.2"), request.Connection.RemoteIpAddress);
    }

    [Fact]
    public async Task Entries_that_are_not_addresses_or_networks_stop_the_start_naming_each()
    {
        var start = StartAsync(forwardedHeadersEnabled: false, new()
        {
            ["TrustedProxies:Addresses:0"] = "127.0.0.1",
            ["TrustedProxies:Addresses:1"] = "gateway.local",
            ["TrustedProxies:Networks:0"] = "10.244.0.0/33",
            ["TrustedProxies:Networks:1"] = "10.244.0.0",
        });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => start);

        Assert.Equal(
            [
                "TrustedProxies:Addresses:1: 'gateway.local' is not an IP address.",
                "TrustedProxies:Networks:0: '10.244.0.0/33' is not a network in CIDR notation (e.g. 10.244.0.0/16).",
                "TrustedProxies:Networks:1: '10.244.0.0' is not a network in CIDR notation (e.g. 10.244.0.0/16).",
            ],
            failure.Failures);
    }

    private static async Task<WebApplication> StartAsync(bool forwardedHeadersEnabled, Dictionary<string, string?> settings)
    {
        // Production: no appsettings.Development.json, and nothing trusted unless configured here.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration["FORWARDEDHEADERS_ENABLED"] = forwardedHeadersEnabled ? "true" : "false";
        builder.AddTrustedProxies();
        var app = builder.Build();
        app.UseTrustedProxies();
        app.Run(_ => Task.CompletedTask);
        try
        {
            await app.StartAsync(Cancellation);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    private static Task<HttpContext> SendAsync(WebApplication app, string peer, string forwardedFor, string? forwardedProto = null) =>
        app.GetTestServer().SendAsync(context =>
        {
            context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
            if (forwardedProto is not null)
            {
                context.Request.Headers["X-Forwarded-Proto"] = forwardedProto;
            }
        }, Cancellation);
}
