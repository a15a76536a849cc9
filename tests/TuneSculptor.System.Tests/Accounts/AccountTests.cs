using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Accounts;

/// <summary>
/// Register and log in through the gateway, which forwards both to auth and then knows the user from the token
/// alone. Auth's own rules (validation, conflicts, hashes, migrations, throttling) are tested on auth alone, in
/// tests/TuneSculptor.Auth.Tests.
/// </summary>
[Collection(typeof(SystemCollection))]
public sealed class AccountTests(SystemFixture fixture) : IDisposable
{
    private readonly GatewayClient _gateway = new(fixture.System.GetHttpEndpoint("gateway"), mail: fixture.System.GetHttpEndpoint("mail"));
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_registered_user_logs_in_and_the_gateway_knows_who_it_is()
    {
        var email = GatewayClient.UniqueEmail();
        using var registered = await _gateway.RegisterAsync(email, "correct horse battery", Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, registered.StatusCode);
        Assert.Equal("check_your_mail", (await registered.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("status").GetString());

        using var login = await _gateway.LoginAsync(email, "correct horse battery", Cancellation);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("no-store", login.Headers.CacheControl?.ToString());
        var token = await login.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal("Bearer", token.GetProperty("token_type").GetString());
        Assert.Equal(3600, token.GetProperty("expires_in").GetInt64());

        using var me = await _gateway.GetMeAsync(token.GetProperty("access_token").GetString(), Cancellation);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var identity = await me.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.True(Guid.TryParse(identity.GetProperty("id").GetString(), out _), identity.ToString());
        Assert.Equal(email, identity.GetProperty("email").GetString());
    }

    [Fact]
    public async Task An_address_with_a_quote_is_stored_as_typed()
    {
        var email = $"o'brien.{Guid.NewGuid():N}@example.com";
        using var registered = await _gateway.RegisterAsync(email, "long enough password", Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, registered.StatusCode);

        using var me = await _gateway.GetMeAsync(await _gateway.LoginForTokenAsync(email, "long enough password", Cancellation), Cancellation);
        Assert.Equal(email, (await me.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("email").GetString());
    }

    public void Dispose() => _gateway.Dispose();
}
