namespace TuneSculptor.Auth.Data;

public static class DatabaseMigrationExtensions
{
    /// <summary>Migrates the database in the background at start-up; readiness waits for it.</summary>
    public static IHostApplicationBuilder AddDatabaseMigrations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DatabaseMigrator>();
        builder.Services.AddSingleton<DatabaseMigrationService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DatabaseMigrationService>());
        return builder.AddStartupWorkCheck<DatabaseMigrationService>(DatabaseMigrationService.HealthCheckName, work => work.Completion,
            pending: "The database is being migrated.", done: $"schema at version {DatabaseMigrator.Migrations[^1].Version}");
    }
}
