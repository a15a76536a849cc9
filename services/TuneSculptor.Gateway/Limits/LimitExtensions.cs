using TuneSculptor.Storage;

namespace TuneSculptor.Gateway.Limits;

public static class LimitExtensions
{
    /// <summary>
    /// Per-user limits (<see cref="UserLimits"/>, counted in MongoDB) and per-address rate limits
    /// (<see cref="ClientRateLimits"/>), by the client address a trusted proxy forwarded (<see cref="TrustedProxyExtensions"/>).
    /// </summary>
    public static IHostApplicationBuilder AddLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<UserLimitOptions>().Bind(builder.Configuration.GetSection(UserLimitOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddUserLimitStores();
        builder.Services.AddSingleton<UserLimits>();
        return builder.AddClientRateLimits();
    }
}
