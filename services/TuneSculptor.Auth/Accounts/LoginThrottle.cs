using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace TuneSculptor.Auth.Accounts;

/// <summary>
/// Limits on failed logins (<c>Auth:LoginThrottle</c>): per account, against guessing one password, and per client
/// address, against trying many accounts. Counted in a fixed window.
/// </summary>
public sealed class LoginThrottleOptions
{
    public int AccountFailures { get; set; } = 5;
    public int AddressFailures { get; set; } = 50;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}

public interface ILoginThrottle
{
    /// <returns>How long the caller must wait before trying again, or null when it may try now.</returns>
    Task<TimeSpan?> GetWaitAsync(string account, string? address, CancellationToken cancellationToken);

    Task RecordFailureAsync(string account, string? address, CancellationToken cancellationToken);

    /// <summary>A successful login clears its account's failures (not its address's).</summary>
    Task ResetAccountAsync(string account, CancellationToken cancellationToken);
}

/// <summary>
/// Failure counts in MySQL, so every auth replica sees the same ones; times come from the database's clock for the
/// same reason. Accounts are keyed by a hash of the address: any string can be tried as one, and the table need not
/// hold them.
/// </summary>
public sealed class MySqlLoginThrottle(MySqlDataSource dataSource, IOptions<LoginThrottleOptions> options) : ILoginThrottle
{
    private const string Account = "account";
    private const string Address = "address";

    private LoginThrottleOptions Limits => options.Value;

    public async Task<TimeSpan?> GetWaitAsync(string account, string? address, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new MySqlCommand("""
            SELECT scope, failures,
                   TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), window_started_at + INTERVAL @window MICROSECOND)
            FROM login_failures
            WHERE (scope = 'account' AND subject = @account) OR (scope = 'address' AND subject = @address)
            """, connection);
        command.Parameters.AddWithValue("@window", WindowMicroseconds);
        command.Parameters.AddWithValue("@account", Key(account));
        command.Parameters.AddWithValue("@address", address ?? string.Empty);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);

        TimeSpan? wait = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            var limit = reader.GetString(0) == Account ? Limits.AccountFailures : Limits.AddressFailures;
            var remaining = TimeSpan.FromMicroseconds(reader.GetInt64(2));
            if (reader.GetInt32(1) >= limit && remaining > TimeSpan.Zero && (wait is null || remaining > wait))
            {
                wait = remaining;
            }
        }

        return wait;
    }

    public async Task RecordFailureAsync(string account, string? address, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await CountAsync(connection, Account, Key(account), cancellationToken);
        if (!string.IsNullOrEmpty(address))
        {
            await CountAsync(connection, Address, address, cancellationToken);
        }

        // Keep the table small: windows that ended a day ago say nothing any more.
        await using var cleanup = new MySqlCommand(
            "DELETE FROM login_failures WHERE window_started_at < UTC_TIMESTAMP(6) - INTERVAL 1 DAY LIMIT 100", connection);
        await cleanup.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ResetAccountAsync(string account, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new MySqlCommand(
            "DELETE FROM login_failures WHERE scope = 'account' AND subject = @account", connection);
        command.Parameters.AddWithValue("@account", Key(account));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private long WindowMicroseconds => (long)Limits.Window.TotalMicroseconds;

    private static string Key(string account) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Credentials.NormalizeEmail(account))));

    /// <summary>One atomic upsert: a new window starts when the last one has ended.</summary>
    private async Task CountAsync(MySqlConnection connection, string scope, string subject, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("""
            INSERT INTO login_failures (scope, subject, window_started_at, failures)
            VALUES (@scope, @subject, UTC_TIMESTAMP(6), 1)
            ON DUPLICATE KEY UPDATE
                failures = IF(window_started_at <= UTC_TIMESTAMP(6) - INTERVAL @window MICROSECOND, 1, failures + 1),
                window_started_at = IF(window_started_at <= UTC_TIMESTAMP(6) - INTERVAL @window MICROSECOND, UTC_TIMESTAMP(6), window_started_at)
            """, connection);
        command.Parameters.AddWithValue("@scope", scope);
        command.Parameters.AddWithValue("@subject", subject);
        command.Parameters.AddWithValue("@window", WindowMicroseconds);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
