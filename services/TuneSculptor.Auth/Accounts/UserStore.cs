using MySqlConnector;

namespace TuneSculptor.Auth.Accounts;

public sealed record User(Guid Id, string Email, string PasswordHash);

public interface IUserStore
{
    Task<User?> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken);

    /// <returns>false when the address is taken.</returns>
    Task<bool> TryCreateAsync(User user, CancellationToken cancellationToken);

    Task UpdatePasswordHashAsync(Guid id, string passwordHash, CancellationToken cancellationToken);
}

/// <summary>Users in MySQL; every value travels as a parameter, never inside the SQL text.</summary>
public sealed class MySqlUserStore(MySqlDataSource dataSource, TimeProvider time) : IUserStore
{
    public async Task<User?> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new MySqlCommand(
            "SELECT id, email, password_hash FROM users WHERE email_normalized = @email", connection);
        command.Parameters.AddWithValue("@email", normalizedEmail);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new User(reader.GetGuid(0), reader.GetString(1), reader.GetString(2))
            : null;
    }

    public async Task<bool> TryCreateAsync(User user, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new MySqlCommand("""
            INSERT INTO users (id, email, email_normalized, password_hash, created_at, updated_at)
            VALUES (@id, @email, @normalized, @hash, @now, @now)
            """, connection);
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
}
