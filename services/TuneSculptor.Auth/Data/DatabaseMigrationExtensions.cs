namespace TuneSculptor.Auth.Data;

public static class DatabaseMigrationExtensions
{
    /// <summary>Migrates the database in the background at start-up; readiness waits for it.</summary>
    public static IHostApplicationBuilder AddDatabaseMigrations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DatabaseMigrator>();
        builder.Services.AddSingleton<DatabaseMigrationService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DatabaseMigrationService>());
        return builder.AddReadinessCheck(DatabaseMigrationService.HealthCheckName, async (services, _) =>
        {
            var completion = services.GetRequiredService<DatabaseMigrationService>().Completion;
            if (!completion.IsCompleted)
            {
                throw new InvalidOperationException("The database is being migrated.");
            }

            await completion; // rethrows why migrating failed, if it did
            return $"schema at version {DatabaseMigrator.Migrations[^1].Version}";
        });
    }
}
