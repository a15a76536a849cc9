using System.Data;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace TuneSculptor.Auth.Accounts;

/// <summary>
/// The throttle's counts in MySQL (<c>login_attempts</c>), so every auth replica sees the same ones; times come from
/// the database's clock for the same reason. A reservation is one transaction that locks the attempt's rows, decides
/// (<see cref="LoginAttemptRules"/>) and writes: parallel attempts on one account or address queue on its row.
/// </summary>
public sealed partial class MySqlLoginThrottle(MySqlDataSource dataSource, IOptions<LoginThrottleOptions> options, ILogger<MySqlLoginThrottle> logger)
    : ILoginThrottle
{
    private const string PairScope = "pair";
    private const string AddressScope = "address";
    private const string AccountScope = "account";

    /// <summary>Reservations that deadlock (InnoDB's gap locks on new rows can) are tried again this many times in all.</summary>
    private const int MaxTries = 3;

    private LoginThrottleOptions Limits => options.Value;

    public async Task<TimeSpan?> TryReserveAsync(string account, string? address, CancellationToken cancellationToken)
    {
        var keys = Key.Of(account, address);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ReserveAsync(keys, cancellationToken);
            }
            catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.LockDeadlock && attempt < MaxTries)
            {
                // InnoDB rolled the transaction back whole: nothing was counted, so trying again counts once.
                LogDeadlock(ex, attempt);
            }
        }
    }

    public async Task ReleaseAsync(string account, string? address, CancellationToken cancellationToken)
    {
        var keys = Key.Of(account, address);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new MySqlCommand($"""
            UPDATE login_attempts
            SET attempts = IF(scope = '{PairScope}', 0, GREATEST(attempts - 1, 0))
            WHERE {KeyCondition(keys)}
            """, connection);
        AddKeyParameters(command, keys);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<TimeSpan?> ReserveAsync(IReadOnlyList<Key> keys, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

        // Creates the counts that do not exist yet and locks every one, always in the same order (account, address,
        // pair), so that attempts sharing an account or an address wait for each other rather than deadlock.
        await using (var upsert = new MySqlCommand($"""
            INSERT INTO login_attempts (scope, subject, attempts, window_started_at, last_attempt_at)
            VALUES {string.Join(", ", keys.Select((_, i) => $"(@scope{i}, @subject{i}, 0, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))"))}
            ON DUPLICATE KEY UPDATE attempts = attempts
            """, connection, transaction))
        {
            AddKeyParameters(upsert, keys);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        var counts = new Dictionary<string, AttemptCount>();
        DateTime now;
        await using (var select = new MySqlCommand($"""
            SELECT scope, attempts, window_started_at, blocked_until, last_attempt_at, UTC_TIMESTAMP(6)
            FROM login_attempts
            WHERE {KeyCondition(keys)}
            FOR UPDATE
            """, connection, transaction))
        {
            AddKeyParameters(select, keys);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            now = default;
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[reader.GetString(0)] = new AttemptCount(
                    reader.GetInt32(1), reader.GetDateTime(2), reader.IsDBNull(3) ? null : reader.GetDateTime(3), reader.GetDateTime(4));
                now = reader.GetDateTime(5);
            }
        }

        var decision = new LoginAttemptRules(Limits).Decide(
            counts[PairScope], counts.GetValueOrDefault(AddressScope), counts[AccountScope], now);
        if (decision is AttemptDecision.Refused refused)
        {
            await transaction.RollbackAsync(cancellationToken);
            return refused.RetryAfter;
        }

        var reserved = (AttemptDecision.Reserved)decision;
        foreach (var key in keys)
        {
            var count = key.Scope switch
            {
                PairScope => reserved.Pair,
                AddressScope => reserved.Address!,
                _ => reserved.Account,
            };
            await using var update = new MySqlCommand("""
                UPDATE login_attempts
                SET attempts = @attempts, window_started_at = @windowStartedAt, blocked_until = @blockedUntil, last_attempt_at = @lastAttemptAt
                WHERE scope = @scope AND subject = @subject
                """, connection, transaction);
            update.Parameters.AddWithValue("@attempts", count.Attempts);
            update.Parameters.AddWithValue("@windowStartedAt", count.WindowStartedAt);
            update.Parameters.AddWithValue("@blockedUntil", count.BlockedUntil);
            update.Parameters.AddWithValue("@lastAttemptAt", count.LastAttemptAt);
            update.Parameters.AddWithValue("@scope", key.Scope);
            update.Parameters.AddWithValue("@subject", key.Subject);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        await ForgetStaleCountsAsync(connection, cancellationToken);
        return null;
    }

    /// <summary>Keeps the table small: a count untouched for longer than every period it matters for says nothing.</summary>
    private async Task ForgetStaleCountsAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var keep = new[] { Limits.Window, Limits.AccountBackoffReset, Limits.AccountBackoffCap }.Max();
        await using var cleanup = new MySqlCommand(
            "DELETE FROM login_attempts WHERE last_attempt_at < UTC_TIMESTAMP(6) - INTERVAL @keep MICROSECOND LIMIT 100", connection);
        cleanup.Parameters.AddWithValue("@keep", (long)keep.TotalMicroseconds);
        await cleanup.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Each key spelled out on the primary key: a row constructor <c>IN</c> could scan, and lock, other rows.</summary>
    private static string KeyCondition(IReadOnlyList<Key> keys) =>
        string.Join(" OR ", keys.Select((_, i) => $"(scope = @scope{i} AND subject = @subject{i})"));

    private static void AddKeyParameters(MySqlCommand command, IReadOnlyList<Key> keys)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            command.Parameters.AddWithValue($"@scope{i}", keys[i].Scope);
            command.Parameters.AddWithValue($"@subject{i}", keys[i].Subject);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A login reservation deadlocked (try {Try}); trying again")]
    private partial void LogDeadlock(Exception exception, int @try);

    /// <summary>The rows an attempt counts on, in locking order.</summary>
    private sealed record Key(string Scope, string Subject)
    {
        public static IReadOnlyList<Key> Of(string account, string? address)
        {
            var accountKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Credentials.NormalizeEmail(account))));
            return string.IsNullOrEmpty(address)
                ? [new(AccountScope, accountKey), new(PairScope, accountKey)]
                : [new(AccountScope, accountKey), new(AddressScope, address), new(PairScope, $"{accountKey} {address}")];
        }
    }
}
