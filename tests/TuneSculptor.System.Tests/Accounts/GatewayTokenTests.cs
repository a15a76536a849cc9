using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Accounts;

/// <summary>
/// The gateway checks tokens itself against auth's published keys. Each bad token below differs from one the
/// gateway accepts (the first test) in exactly the defect named.
/// </summary>
[Collection(typeof(SystemCollection))]
public sealed class GatewayTokenTests(SystemFixture fixture) : IAsyncLifetime
{
    private readonly GatewayClient _gateway = new(fixture.System.GetHttpEndpoint("gateway"), mail: fixture.System.GetHttpEndpoint("mail"));
    private TokenForger _forger = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _forger = TokenForger.FromPem(await fixture.System.GetParameterValueAsync("auth-signing-key", Cancellation));

    [Fact]
    public async Task A_well_formed_token_signed_with_the_real_key_is_accepted()
    {
        using var response = await _gateway.GetMeAsync(_forger.Signed(subject: "someone"), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string> BadTokens => new()
    {
        "none", "alg-none", "hs256-with-public-key", "expired", "wrong-issuer", "wrong-audience", "tampered", "foreign-key", "garbage",
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_refused_with_401(string kind)
    {
        var token = kind switch
        {
            "none" => null,
            "alg-none" => TokenForger.Unsigned(),
            "hs256-with-public-key" => _forger.HmacWithPublicKey(),
            "expired" => _forger.Signed(expires: DateTime.UtcNow.AddMinutes(-5)),
            "wrong-issuer" => _forger.Signed(issuer: "someone-else"),
            "wrong-audience" => _forger.Signed(audience: "some-other-api"),
            "tampered" => TokenForger.Tampered(await _gateway.LoginForTokenAsync("personalprojectsample@gmail.com", "Admin123", Cancellation)),
            "foreign-key" => TokenForger.SignedWithForeignKey(),
            "garbage" => "not.a.token",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        using var response = await _gateway.GetMeAsync(token, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Tokens_are_checked_without_calling_auth()
    {
        var (_, token) = await _gateway.SignUpAsync(Cancellation);
        using (var warm = await _gateway.GetMeAsync(token, Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var commands = fixture.System.App.Services.GetRequiredService<ResourceCommandService>();
        Assert.True((await commands.ExecuteCommandAsync("auth", KnownResourceCommands.StopCommand, Cancellation)).Success);
        try
        {
            using var withoutAuth = await _gateway.GetMeAsync(token, Cancellation);
            Assert.Equal(HttpStatusCode.OK, withoutAuth.StatusCode);
        }
        finally
        {
            await fixture.System.StartAgainAsync("auth", TimeSpan.FromSeconds(90), Cancellation, "gateway");
        }
    }

    public ValueTask DisposeAsync()
    {
        _gateway.Dispose();
        return ValueTask.CompletedTask;
    }
}
