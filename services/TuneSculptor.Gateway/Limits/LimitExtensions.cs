using TuneSculptor.Gateway.Http;
using TuneSculptor.Storage;

namespace TuneSculptor.Gateway.Limits;

public static class LimitExtensions
{
    /// <summary>
    /// Per-user limits (<see cref="UserLimits"/>, counted in MongoDB), per-address rate limits
    /// (<see cref="ClientRateLimits"/>), and the proxies whose word on a client's address is taken (<see cref="TrustedProxies"/>).
    /// </summary>
    public static IHostApplicationBuilder AddLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<UserLimitOptions>().Bind(builder.Configuration.GetSection(UserLimitOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddUserLimitStores();
        builder.Services.AddSingleton<UserLimits>();
        builder.AddTrustedProxies();
        return builder.AddClientRateLimits();
    }
}
