using Microsoft.AspNetCore.Identity;
using TuneSculptor.Auth.Data;

namespace TuneSculptor.Auth.Accounts;

/// <summary>The development account (<c>Auth:DevelopmentUser</c>), created once migrations are done.</summary>
public sealed class DevelopmentUserOptions
{
    public string? Email { get; set; }
    public string? Password { get; set; }
}

/// <summary>
/// Creates the development account if it is missing. Registered only in the Development environment, and its
/// credentials live only in appsettings.Development.json: no other environment has a default account.
/// </summary>
public sealed partial class DevelopmentUserSeeder(
    DatabaseMigrationService migrations,
    IUserStore users,
    IPasswordHasher<User> hasher,
    Microsoft.Extensions.Options.IOptions<DevelopmentUserOptions> options,
    ILogger<DevelopmentUserSeeder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var (email, password) = (options.Value.Email, options.Value.Password);
        if (string.IsNullOrEmpty(email) || string.IsNullOrEmpty(password))
        {
            return;
        }

        await migrations.Completion.WaitAsync(stoppingToken);
        if (await users.FindByEmailAsync(Credentials.NormalizeEmail(email), stoppingToken) is not null)
        {
            return;
        }

        var candidate = new User(Guid.CreateVersion7(), email, string.Empty);
        if (await users.TryCreateAsync(candidate with { PasswordHash = hasher.HashPassword(candidate, password) }, stoppingToken))
        {
            LogSeeded(email);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the development account {Email}")]
    private partial void LogSeeded(string email);
}
