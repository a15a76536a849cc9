using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using TuneSculptor.AppHost.Tests.Harness;
using TuneSculptor.AppHost.Tests.WholeSystem;

namespace TuneSculptor.AppHost.Tests.Accounts;

/// <summary>Register and log in through the gateway, against the real auth service and MariaDB.</summary>
[Collection(typeof(SystemCollection))]
public sealed class AccountTests(SystemFixture fixture) : IDisposable
{
    private readonly GatewayClient _gateway = new(fixture.System.GetHttpEndpoint("gateway"));
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_registered_user_logs_in_and_the_gateway_knows_who_it_is()
    {
        var email = GatewayClient.UniqueEmail();
        using var registered = await _gateway.RegisterAsync(email, "correct horse battery", Cancellation);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var account = await registered.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal(email, account.GetProperty("email").GetString());

        using var login = await _gateway.LoginAsync(email, "correct horse battery", Cancellation);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("no-store", login.Headers.CacheControl?.ToString());
        var token = await login.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal("Bearer", token.GetProperty("token_type").GetString());
        Assert.Equal(3600, token.GetProperty("expires_in").GetInt64());

        using var me = await _gateway.GetMeAsync(token.GetProperty("access_token").GetString(), Cancellation);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var identity = await me.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal(account.GetProperty("id").GetString(), identity.GetProperty("id").GetString());
        Assert.Equal(email, identity.GetProperty("email").GetString());
    }

    [Fact]
    public async Task An_email_already_taken_in_any_case_is_a_conflict()
    {
        var email = GatewayClient.UniqueEmail("Case");
        using var first = await _gateway.RegisterAsync(email, "first password", Cancellation);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var again = await _gateway.RegisterAsync($"  {email.ToUpperInvariant()} ", "second password", Cancellation);

        await AssertProblemAsync(again, HttpStatusCode.Conflict);
        // The first account is untouched, and logging in ignores the case as well.
        await _gateway.LoginForTokenAsync(email.ToUpperInvariant(), "first password", Cancellation);
    }

    [Theory]
    [InlineData("not-an-email", "long enough password", "email")]
    [InlineData("Someone <someone@example.com>", "long enough password", "email")]
    [InlineData("someone@localhost", "long enough password", "email")]
    [InlineData("", "long enough password", "email")]
    [InlineData("valid@example.com", "short", "password")]
    [InlineData("valid@example.com", "", "password")]
    public async Task An_invalid_email_or_a_short_password_is_refused_with_the_field_named(string email, string password, string field)
    {
        using var response = await _gateway.RegisterAsync(email, password, Cancellation);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_bad_request_not_an_error()
    {
        using var http = new HttpClient { BaseAddress = fixture.System.GetHttpEndpoint("gateway") };
        using var response = await http.PostAsync("/register", new StringContent("{not json", null, "application/json"), Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_answer()
    {
        var (email, _) = await _gateway.SignUpAsync(Cancellation);

        using var wrongPassword = await _gateway.LoginAsync(email, "not the password", Cancellation);
        using var unknownUser = await _gateway.LoginAsync(GatewayClient.UniqueEmail("nobody"), "not the password", Cancellation);

        var wrong = await AssertProblemAsync(wrongPassword, HttpStatusCode.Unauthorized);
        var unknown = await AssertProblemAsync(unknownUser, HttpStatusCode.Unauthorized);
        Assert.Equal(Without(wrong, "trace_id"), Without(unknown, "trace_id"));
        Assert.Equal("Basic realm=\"TuneSculptor\", charset=\"UTF-8\"", wrongPassword.Headers.WwwAuthenticate.ToString());
        Assert.Equal(wrongPassword.Headers.WwwAuthenticate.ToString(), unknownUser.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("' OR '1'='1")]
    [InlineData("admin'--")]
    [InlineData("x@example.com' OR 1=1 #")]
    [InlineData("\"; DROP TABLE users; --")]
    [InlineData("%")]
    [InlineData("\\")]
    public async Task Sql_in_the_email_is_just_a_wrong_login(string email)
    {
        using var login = await _gateway.LoginAsync(email, "whatever' OR '1'='1", Cancellation);
        using var register = await _gateway.RegisterAsync(email, "long enough password", Cancellation);

        await AssertProblemAsync(login, HttpStatusCode.Unauthorized);
        await AssertProblemAsync(register, HttpStatusCode.BadRequest);
        // The table is still there and still answers.
        await _gateway.LoginForTokenAsync("personalprojectsample@gmail.com", "Admin123", Cancellation);
    }

    [Fact]
    public async Task An_address_with_a_quote_is_stored_as_typed()
    {
        var email = $"o'brien.{Guid.NewGuid():N}@example.com";
        using var registered = await _gateway.RegisterAsync(email, "long enough password", Cancellation);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);

        using var me = await _gateway.GetMeAsync(await _gateway.LoginForTokenAsync(email, "long enough password", Cancellation), Cancellation);
        Assert.Equal(email, (await me.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("email").GetString());
    }

    [Fact]
    public async Task The_development_account_exists_in_development()
    {
        await _gateway.LoginForTokenAsync("personalprojectsample@gmail.com", "Admin123", Cancellation);
    }

    [Fact]
    public async Task Passwords_are_stored_as_salted_pbkdf2_hashes_not_as_text()
    {
        const string password = "correct horse battery";
        var email = GatewayClient.UniqueEmail("hash");
        var other = GatewayClient.UniqueEmail("hash");
        (await _gateway.RegisterAsync(email, password, Cancellation)).Dispose();
        (await _gateway.RegisterAsync(other, password, Cancellation)).Dispose();

        var stored = await ReadPasswordHashAsync(email);

        Assert.DoesNotContain(password, stored, StringComparison.Ordinal);
        // ASP.NET Core Identity V3 format: 0x01, PRF (2 = HMAC-SHA512), iterations, salt length, salt, subkey.
        var bytes = Convert.FromBase64String(stored);
        Assert.Equal(0x01, bytes[0]);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1)));
        Assert.Equal(210_000u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)));
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(9)));
        // Salted: the same password gives another hash for another account.
        Assert.NotEqual(stored, await ReadPasswordHashAsync(other));
    }

    [Fact]
    public async Task Migrations_run_again_at_restart_change_nothing()
    {
        var (email, _) = await _gateway.SignUpAsync(Cancellation);
        var before = await ReadMigrationsAsync();
        Assert.Equal([1, 2], before.Select(m => m.Version));

        var commands = fixture.System.App.Services.GetRequiredService<ResourceCommandService>();
        Assert.True((await commands.ExecuteCommandAsync("auth", KnownResourceCommands.RestartCommand, Cancellation)).Success);
        using (var recovery = CancellationTokenSource.CreateLinkedTokenSource(Cancellation))
        {
            recovery.CancelAfter(TimeSpan.FromSeconds(90));
            await fixture.System.App.ResourceNotifications.WaitForResourceHealthyAsync("auth", recovery.Token);
            await ServiceHealth.WaitUntilAsync(
                fixture.System.GetHttpEndpoint("gateway"), h => h.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60), recovery.Token);
        }

        Assert.Equal(before, await ReadMigrationsAsync());
        await _gateway.LoginForTokenAsync(email, "correct horse battery", Cancellation);
    }

    public void Dispose() => _gateway.Dispose();

    private async Task<string> ReadPasswordHashAsync(string email)
    {
        await using var connection = await OpenAuthDatabaseAsync();
        await using var command = new MySqlCommand("SELECT password_hash FROM users WHERE email = @email", connection);
        command.Parameters.AddWithValue("@email", email);
        return (string)(await command.ExecuteScalarAsync(Cancellation))!;
    }

    private async Task<List<(int Version, string Name, DateTime AppliedAt)>> ReadMigrationsAsync()
    {
        await using var connection = await OpenAuthDatabaseAsync();
        await using var command = new MySqlCommand("SELECT version, name, applied_at FROM schema_migrations ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        var rows = new List<(int, string, DateTime)>();
        while (await reader.ReadAsync(Cancellation))
        {
            rows.Add((reader.GetInt32(0), reader.GetString(1), reader.GetDateTime(2)));
        }

        return rows;
    }

    private async Task<MySqlConnection> OpenAuthDatabaseAsync()
    {
        var connection = new MySqlConnection(await fixture.System.App.GetConnectionStringAsync("authdb", Cancellation));
        await connection.OpenAsync(Cancellation);
        return connection;
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        // Named alike whether the gateway or auth (through it) answered.
        Assert.True(problem.TryGetProperty("trace_id", out _), body);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        return problem;
    }

    private static string Without(JsonElement problem, string property) =>
        JsonSerializer.Serialize(problem.EnumerateObject().Where(p => p.Name != property).ToDictionary(p => p.Name, p => p.Value));
}
