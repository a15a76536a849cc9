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
/// credentials live only in appsettings.Development.json: no other environment has a default account. Readiness
/// waits for it (<see cref="Completion"/>): a service that says it is ready must let that account log in.
/// </summary>
public sealed partial class DevelopmentUserSeeder(
    DatabaseMigrationService migrations,
    IUserStore users,
    IPasswordHasher<User> hasher,
    Microsoft.Extensions.Options.IOptions<DevelopmentUserOptions> options,
    ILogger<DevelopmentUserSeeder> logger) : BackgroundService
{
    public const string HealthCheckName = "development-user";

    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the account exists (or none is configured); faults with why it could not be created.</summary>
    public Task Completion => _completion.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await SeedAsync(stoppingToken);
            _completion.TrySetResult();
        }
        catch (Exception ex)
        {
            _completion.TrySetException(ex);
            throw;
        }
    }

    private async Task SeedAsync(CancellationToken stoppingToken)
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

        // Verified: its address is the developer's own, and it must be able to upload at once.
        var candidate = new User(Guid.CreateVersion7(), email, string.Empty, EmailVerified: true);
        if (await users.TryCreateAsync(candidate with { PasswordHash = hasher.HashPassword(candidate, password) }, verificationNonce: null, stoppingToken))
        {
            LogSeeded(email);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the development account {Email}")]
    private partial void LogSeeded(string email);
}
