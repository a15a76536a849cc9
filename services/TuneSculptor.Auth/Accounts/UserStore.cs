using MySqlConnector;
using TuneSculptor.Contracts;

namespace TuneSculptor.Auth.Accounts;

/// <param name="EmailVerified">Whether the owner of <paramref name="Email"/> has proven it (a verification link opened).</param>
public sealed record User(Guid Id, string Email, string PasswordHash, bool EmailVerified = false);

public interface IUserStore
{
    Task<User?> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken);

    Task<User?> FindByIdAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the account, verified if <see cref="User.EmailVerified"/> says so; otherwise with
    /// <paramref name="verificationNonce"/> as its first verification mail's (counted toward the day's mails).
    /// </summary>
    /// <returns>false when the address is taken.</returns>
    Task<bool> TryCreateAsync(User user, string? verificationNonce, CancellationToken cancellationToken);

    Task UpdatePasswordHashAsync(Guid id, string passwordHash, CancellationToken cancellationToken);

    /// <summary>Verifies the account if <paramref name="nonce"/> is its latest verification mail's (<see cref="VerificationOutcomes"/>).</summary>
    Task<string> VerifyAsync(Guid id, string nonce, CancellationToken cancellationToken);

    /// <summary>
    /// Gives the unverified account a new verification nonce, which replaces the earlier, if the resend limits allow
    /// one now (one atomic update, so parallel requests cannot both pass).
    /// </summary>
    Task<VerificationMailGrant> GrantVerificationMailAsync(Guid id, VerificationOptions limits, CancellationToken cancellationToken);
}

/// <summary>Users in MySQL; every value travels as a parameter, never inside the SQL text.</summary>
public sealed class MySqlUserStore(MySqlDataSource dataSource, TimeProvider time) : IUserStore
{
    public async Task<User?> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new MySqlCommand(
            $"SELECT {UserColumns} FROM users WHERE email_normalized = @email", connection);
        command.Parameters.AddWithValue("@email", normalizedEmail);
        return await ReadUserAsync(command, cancellationToken);
    }

    public async Task<User?> FindByIdAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new MySqlCommand($"SELECT {UserColumns} FROM users WHERE id = @id", connection);
        command.Parameters.AddWithValue("@id", id.ToString());
        return await ReadUserAsync(command, cancellationToken);
    }

    private const string UserColumns = "id, email, password_hash, email_verified_at IS NOT NULL";

    private static async Task<User?> ReadUserAsync(MySqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new User(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3))
            : null;
    }

    public async Task<bool> TryCreateAsync(User user, string? verificationNonce, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var mailed = !user.EmailVerified && verificationNonce is not null;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new MySqlCommand("""
            INSERT INTO users (id, email, email_normalized, password_hash, created_at, updated_at,
                               email_verified_at, verification_nonce, verification_mail_at, verification_mails_on, verification_mails_count)
            VALUES (@id, @email, @normalized, @hash, @now, @now, @verified_at, @nonce, @mail_at, @mails_on, @mails)
            """, connection);
        command.Parameters.AddWithValue("@verified_at", user.EmailVerified ? now : null);
        command.Parameters.AddWithValue("@nonce", mailed ? verificationNonce : null);
        command.Parameters.AddWithValue("@mail_at", mailed ? now : null);
        command.Parameters.AddWithValue("@mails_on", mailed ? now.Date : null);
        command.Parameters.AddWithValue("@mails", mailed ? 1 : 0);
        command.Parameters.AddWithValue("@id", user.Id.ToString());
        command.Parameters.AddWithValue("@email", user.Email);
        command.Parameters.AddWithValue("@normalized", Credentials.NormalizeEmail(user.Email));
        command.Parameters.AddWithValue("@hash", user.PasswordHash);
        command.Parameters.AddWithValue("@now", now);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
        {
            return false;
        }
    }

    public async Task UpdatePasswordHashAsync(Guid id, string passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new MySqlCommand(
            "UPDATE users SET password_hash = @hash, updated_at = @now WHERE id = @id", connection);
        command.Parameters.AddWithValue("@hash", passwordHash);
        command.Parameters.AddWithValue("@now", time.GetUtcNow().UtcDateTime);
        command.Parameters.AddWithValue("@id", id.ToString());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<string> VerifyAsync(Guid id, string nonce, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var verify = new MySqlCommand("""
            UPDATE users SET email_verified_at = @now, verification_nonce = NULL, updated_at = @now
            WHERE id = @id AND email_verified_at IS NULL AND verification_nonce = @nonce
            """, connection))
        {
            verify.Parameters.AddWithValue("@now", time.GetUtcNow().UtcDateTime);
            verify.Parameters.AddWithValue("@id", id.ToString());
            verify.Parameters.AddWithValue("@nonce", nonce);
            if (await verify.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return VerificationOutcomes.Verified;
            }
        }

        // Nothing changed: verified before (this link or another), or the link is not the latest mail's.
        return await FindByIdAsync(id, cancellationToken) is { EmailVerified: true }
            ? VerificationOutcomes.AlreadyVerified
            : VerificationOutcomes.Superseded;
    }

    public async Task<VerificationMailGrant> GrantVerificationMailAsync(Guid id, VerificationOptions limits, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var nonce = VerificationNonce.New();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Allowed when the last mail is older than the interval and today's count is under the cap (a new day starts
        // the count again); the whole check and the change are one statement.
        await using (var grant = new MySqlCommand("""
            UPDATE users SET
                verification_nonce = @nonce,
                verification_mails_count = IF(verification_mails_on = @today, verification_mails_count + 1, 1),
                verification_mails_on = @today,
                verification_mail_at = @now,
                updated_at = @now
            WHERE id = @id AND email_verified_at IS NULL
              AND (verification_mail_at IS NULL OR verification_mail_at <= @now - INTERVAL @interval MICROSECOND)
              AND (verification_mails_on IS NULL OR verification_mails_on <> @today OR verification_mails_count < @per_day)
            """, connection))
        {
            grant.Parameters.AddWithValue("@nonce", nonce);
            grant.Parameters.AddWithValue("@today", now.Date);
            grant.Parameters.AddWithValue("@now", now);
            grant.Parameters.AddWithValue("@id", id.ToString());
            grant.Parameters.AddWithValue("@interval", (long)limits.ResendInterval.TotalMicroseconds);
            grant.Parameters.AddWithValue("@per_day", limits.MailsPerDay);
            if (await grant.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                var user = await FindByIdAsync(id, cancellationToken)
                           ?? throw new InvalidOperationException($"Account {id} vanished while a verification mail was granted.");
                return new VerificationMailGrant.Granted(user, nonce);
            }
        }

        await using var read = new MySqlCommand(
            "SELECT email_verified_at IS NOT NULL, verification_mail_at, verification_mails_on, verification_mails_count FROM users WHERE id = @id",
            connection);
        read.Parameters.AddWithValue("@id", id.ToString());
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new VerificationMailGrant.NoSuchAccount();
        }

        if (reader.GetBoolean(0))
        {
            return new VerificationMailGrant.AlreadyVerified();
        }

        var nextByInterval = reader.IsDBNull(1) ? now : DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc) + limits.ResendInterval;
        var dayFull = !reader.IsDBNull(2) && reader.GetDateTime(2).Date == now.Date && reader.GetInt32(3) >= limits.MailsPerDay;
        var next = dayFull ? now.Date.AddDays(1) : nextByInterval;
        return new VerificationMailGrant.TooSoon(next > now ? next - now : TimeSpan.FromSeconds(1));
    }
}
