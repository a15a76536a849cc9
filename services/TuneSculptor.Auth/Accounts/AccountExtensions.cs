using Microsoft.AspNetCore.Identity;
using TuneSculptor.Auth.Tokens;

namespace TuneSculptor.Auth.Accounts;

public static class AccountExtensions
{
    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder)
    {
        // ASP.NET Core Identity's hasher: PBKDF2-HMAC-SHA512 with a random salt, its format versioned in the hash
        // itself; hashes made with fewer iterations than configured are reported for rehashing at login.
        var iterations = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>()?.PasswordHashIterations
                         ?? new AuthOptions().PasswordHashIterations;
        builder.Services.Configure<PasswordHasherOptions>(options =>
        {
            options.CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3;
            options.IterationCount = iterations;
        });
        builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();

        builder.Services.AddOptions<LoginThrottleOptions>()
            .Bind(builder.Configuration.GetSection(LoginThrottleOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IUserStore, MySqlUserStore>();
        builder.Services.AddSingleton<ILoginThrottle, MySqlLoginThrottle>();
        builder.Services.AddSingleton<LoginService>();

        if (builder.Environment.IsDevelopment())
        {
            builder.Services.Configure<DevelopmentUserOptions>(builder.Configuration.GetSection($"{AuthOptions.Section}:DevelopmentUser"));
            builder.Services.AddSingleton<DevelopmentUserSeeder>();
            builder.Services.AddHostedService(services => services.GetRequiredService<DevelopmentUserSeeder>());
            builder.AddStartupWorkCheck<DevelopmentUserSeeder>(DevelopmentUserSeeder.HealthCheckName, seeder => seeder.Completion,
                pending: "The development account is being created.", done: "the development account exists");
        }

        return builder;
    }
}
