using System.Reflection;
using System.Text.RegularExpressions;
using MySqlConnector;

namespace TuneSculptor.Auth.Data;

/// <summary>
/// Applies the versioned SQL scripts embedded from <c>Data/Migrations/NNNN_name.sql</c>, in order, each once,
/// recording them in <c>schema_migrations</c>. Replicas that start together take turns through a named lock.
/// The server is MariaDB (10.11) in every form, but the SQL here and in the scripts is also valid MySQL 8. MariaDB and
/// MySQL commit DDL implicitly, so each script should hold one change: a failed script is retried whole.
/// </summary>
public sealed partial class DatabaseMigrator(MySqlDataSource dataSource, ILogger<DatabaseMigrator> logger)
{
    private const string LockName = "tunesculptor_auth_migrations";

    public static IReadOnlyList<Migration> Migrations { get; } = LoadMigrations();

    /// <returns>The versions applied by this call (empty when the schema was already current).</returns>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await ScalarAsync<long?>(connection, $"SELECT GET_LOCK('{LockName}', 60)", cancellationToken) != 1)
        {
            throw new TimeoutException("Another auth instance held the migration lock for 60 s.");
        }

        try
        {
            // The default in parentheses: MariaDB takes an expression default either way, MySQL (8.0.13 and later)
            // only in parentheses, and the schema should not tie the service to one of the two.
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INT NOT NULL PRIMARY KEY,
                    name VARCHAR(200) NOT NULL,
                    applied_at DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))
                ) ENGINE = InnoDB
                """, cancellationToken);

            var applied = new HashSet<int>();
            await using (var command = new MySqlCommand("SELECT version FROM schema_migrations", connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            var appliedNow = new List<int>();
            foreach (var migration in Migrations.Where(m => !applied.Contains(m.Version)))
            {
                await ExecuteAsync(connection, migration.Sql, cancellationToken);
                await using var record = new MySqlCommand("INSERT INTO schema_migrations (version, name) VALUES (@version, @name)", connection);
                record.Parameters.AddWithValue("@version", migration.Version);
                record.Parameters.AddWithValue("@name", migration.Name);
                await record.ExecuteNonQueryAsync(cancellationToken);
                appliedNow.Add(migration.Version);
                LogApplied(migration.Version, migration.Name);
            }

            return appliedNow;
        }
        finally
        {
            await ExecuteAsync(connection, $"DO RELEASE_LOCK('{LockName}')", CancellationToken.None);
        }
    }

    private static IReadOnlyList<Migration> LoadMigrations()
    {
        var assembly = typeof(DatabaseMigrator).Assembly;
        var migrations = assembly.GetManifestResourceNames()
            .Select(resource => (Resource: resource, Match: MigrationName().Match(resource)))
            .Where(x => x.Match.Success)
            .Select(x => new Migration(int.Parse(x.Match.Groups["version"].Value), x.Match.Groups["name"].Value, Read(assembly, x.Resource)))
            .OrderBy(m => m.Version)
            .ToList();
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null
            ? migrations
            : throw new InvalidOperationException($"Two migrations share version {duplicate.Key}.");
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T?> ScalarAsync<T>(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T));
    }

    [GeneratedRegex(@"^Migrations\.(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex MigrationName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Version} {Name}")]
    private partial void LogApplied(int version, string name);

    public sealed record Migration(int Version, string Name, string Sql);
}

/// <summary>
/// Migrates at start-up, retrying while the database is unreachable. Readiness waits for it, and reports a
/// migration that failed for good (a broken script) instead of retrying it forever.
/// </summary>
public sealed partial class DatabaseMigrationService(DatabaseMigrator migrator, ILogger<DatabaseMigrationService> logger) : BackgroundService
{
    public const string HealthCheckName = "migrations";

    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the schema is current; faults when migrating failed for good.</summary>
    public Task Completion => _completion.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await migrator.MigrateAsync(stoppingToken);
                _completion.TrySetResult();
                return;
            }
            catch (Exception ex) when (ex is MySqlException { IsTransient: true } or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                LogRetry(ex, delay.TotalSeconds);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(ex);
                _completion.TrySetException(ex);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migrating the database failed; retrying in {Seconds} s")]
    private partial void LogRetry(Exception exception, double seconds);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Migrating the database failed for good; the service stays unready")]
    private partial void LogFailed(Exception exception);
}
