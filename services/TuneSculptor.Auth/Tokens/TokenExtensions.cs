namespace TuneSculptor.Auth.Tokens;

public static class TokenExtensions
{
    /// <summary>
    /// Loads the signing key now, so a missing or broken one stops the service at start-up rather than at the
    /// first login.
    /// </summary>
    public static IHostApplicationBuilder AddTokens(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(AuthOptions.Section);
        builder.Services.Configure<AuthOptions>(section);
        var pem = section.Get<AuthOptions>()?.SigningKey;

        SigningKey key;
        if (!string.IsNullOrWhiteSpace(pem))
        {
            key = SigningKey.FromPem(pem);
        }
        else if (builder.Environment.IsDevelopment())
        {
            // Tokens then die with the process and differ between replicas: fine on a developer's machine only.
            key = SigningKey.Generate();
        }
        else
        {
            throw new InvalidOperationException(
                $"{AuthOptions.Section}:{nameof(AuthOptions.SigningKey)} (an EC P-256 private key in PEM) is required outside Development.");
        }

        builder.Services.AddSingleton(key);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TokenService>();
        return builder;
    }
}
