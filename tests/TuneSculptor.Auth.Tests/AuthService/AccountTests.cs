using System.Buffers.Binary;
using System.Net;
using System.Text.Json;
using MySqlConnector;
using TuneSculptor.Testing;

namespace TuneSculptor.Auth.Tests.AuthService;

/// <summary>Register and log in against the auth service and a real MariaDB (through the gateway: the system tests).</summary>
public sealed class AccountTests(AuthServiceFixture auth, MariaDbServer mariaDb) : IClassFixture<AuthServiceFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_email_already_taken_in_any_case_is_a_conflict()
    {
        using var client = auth.CreateClient();
        var email = GatewayClient.UniqueEmail("Case");
        using var first = await client.RegisterAsync(email, "first password", Cancellation);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var again = await client.RegisterAsync($"  {email.ToUpperInvariant()} ", "second password", Cancellation);

        await AssertProblemAsync(again, HttpStatusCode.Conflict);
        // The first account is untouched, and logging in ignores the case as well.
        await client.LoginForTokenAsync(email.ToUpperInvariant(), "first password", Cancellation);
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
        using var client = auth.CreateClient();
        using var response = await client.RegisterAsync(email, password, Cancellation);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_bad_request_not_an_error()
    {
        using var http = auth.CreateHttpClient();
        using var response = await http.PostAsync("/register", new StringContent("{not json", null, "application/json"), Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_answer()
    {
        using var client = auth.CreateClient();
        var (email, _) = await client.SignUpAsync(Cancellation);

        using var wrongPassword = await client.LoginAsync(email, "not the password", Cancellation);
        using var unknownUser = await client.LoginAsync(GatewayClient.UniqueEmail("nobody"), "not the password", Cancellation);

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
        using var client = auth.CreateClient();
        using var login = await client.LoginAsync(email, "whatever' OR '1'='1", Cancellation);
        using var register = await client.RegisterAsync(email, "long enough password", Cancellation);

        await AssertProblemAsync(login, HttpStatusCode.Unauthorized);
        await AssertProblemAsync(register, HttpStatusCode.BadRequest);
        // The table is still there and still answers.
        await client.LoginForTokenAsync("personalprojectsample@gmail.com", "Admin123", Cancellation);
    }

    [Fact]
    public async Task The_development_account_can_log_in_as_soon_as_a_new_service_is_ready()
    {
        // A new service on an empty database: readiness must wait for the account, which is created (and its
        // password hashed) after the migrations.
        await using var service = new AuthServiceFactory(await mariaDb.CreateDatabaseAsync(Cancellation));
        using var client = new GatewayClient(await service.CreateReadyClientAsync(Cancellation));

        await client.LoginForTokenAsync("personalprojectsample@gmail.com", "Admin123", Cancellation);
    }

    [Fact]
    public async Task Passwords_are_stored_as_salted_pbkdf2_hashes_not_as_text()
    {
        using var client = auth.CreateClient();
        const string password = "correct horse battery";
        var email = GatewayClient.UniqueEmail("hash");
        var other = GatewayClient.UniqueEmail("hash");
        (await client.RegisterAsync(email, password, Cancellation)).Dispose();
        (await client.RegisterAsync(other, password, Cancellation)).Dispose();

        var stored = await ReadPasswordHashAsync(auth.ConnectionString, email);

        Assert.DoesNotContain(password, stored, StringComparison.Ordinal);
        // ASP.NET Core Identity V3 format: 0x01, PRF (2 = HMAC-SHA512), iterations, salt length, salt, subkey.
        var bytes = Convert.FromBase64String(stored);
        Assert.Equal(0x01, bytes[0]);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1)));
        Assert.Equal(210_000u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)));
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(9)));
        // Salted: the same password gives another hash for another account.
        Assert.NotEqual(stored, await ReadPasswordHashAsync(auth.ConnectionString, other));
    }

    [Fact]
    public async Task Migrations_run_again_at_restart_change_nothing()
    {
        // A database of its own: this test stops and starts the service on it.
        var connectionString = await mariaDb.CreateDatabaseAsync(Cancellation);
        string email;
        List<(int Version, string Name, DateTime AppliedAt)> before;
        await using (var first = new AuthServiceFactory(connectionString))
        {
            using var client = new GatewayClient(await first.CreateReadyClientAsync(Cancellation));
            (email, _) = await client.SignUpAsync(Cancellation);
            before = await ReadMigrationsAsync(connectionString);
            Assert.Equal([1, 2, 3, 4], before.Select(m => m.Version));
            // applied_at comes from the column's default: the server's clock, in UTC.
            Assert.All(before, m => Assert.InRange(m.AppliedAt, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1)));
        }

        await using var restarted = new AuthServiceFactory(connectionString);
        using var again = new GatewayClient(await restarted.CreateReadyClientAsync(Cancellation));

        Assert.Equal(before, await ReadMigrationsAsync(connectionString));
        await again.LoginForTokenAsync(email, "correct horse battery", Cancellation);
    }

    [Fact]
    public async Task The_published_keys_hold_no_private_part()
    {
        using var http = auth.CreateHttpClient();
        var jwks = await http.GetStringAsync("/.well-known/jwks.json", Cancellation);
        var discovery = await http.GetStringAsync("/.well-known/openid-configuration", Cancellation);

        Assert.Contains("\"kty\":\"EC\"", jwks);
        Assert.Contains("\"alg\":\"ES256\"", jwks);
        Assert.DoesNotContain("\"d\"", jwks);
        Assert.Contains("\"issuer\":\"tunesculptor\"", discovery);
        Assert.Contains("/.well-known/jwks.json", discovery);
    }

    private static async Task<string> ReadPasswordHashAsync(string connectionString, string email)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new MySqlCommand("SELECT password_hash FROM users WHERE email = @email", connection);
        command.Parameters.AddWithValue("@email", email);
        return (string)(await command.ExecuteScalarAsync(Cancellation))!;
    }

    private static async Task<List<(int Version, string Name, DateTime AppliedAt)>> ReadMigrationsAsync(string connectionString)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new MySqlCommand("SELECT version, name, applied_at FROM schema_migrations ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        var rows = new List<(int, string, DateTime)>();
        while (await reader.ReadAsync(Cancellation))
        {
            rows.Add((reader.GetInt32(0), reader.GetString(1), reader.GetDateTime(2)));
        }

        return rows;
    }

    private static async Task<MySqlConnection> OpenAsync(string connectionString)
    {
        var connection = new MySqlConnection(connectionString);
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
