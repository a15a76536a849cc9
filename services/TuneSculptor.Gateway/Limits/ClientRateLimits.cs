using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using TuneSculptor.Gateway.Http;

namespace TuneSculptor.Gateway.Limits;

/// <summary>
/// ASP.NET Core's rate limiter on <c>/register</c>, <c>/login</c> (YARP routes: the policy is on the route) and
/// <c>/upload</c>, partitioned by client address: the connection's peer, or the address a trusted proxy forwarded
/// (<see cref="TrustedProxyExtensions"/>), never one a client merely claims.
/// </summary>
public static class ClientRateLimits
{
    public const string RegisterPolicy = "register";
    public const string LoginPolicy = "login";
    public const string UploadPolicy = "upload";

    private static readonly TimeSpan ReplenishmentSlack = TimeSpan.FromSeconds(1);

    public static IHostApplicationBuilder AddClientRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ClientRateLimitOptions>().Bind(builder.Configuration.GetSection(ClientRateLimitOptions.Section))
            .Validate(
                options => options.All.All(policy => policy.Limit.IsValid),
                $"Each of {ClientRateLimitOptions.Section}:Register, :Login and :Upload needs a PermitLimit of 1 or more and a Window of 1 s to 1 day.")
            .ValidateOnStart();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(RegisterPolicy, context => Partition(context, options => options.Register));
            limiter.AddPolicy(LoginPolicy, context => Partition(context, options => options.Login));
            limiter.AddPolicy(UploadPolicy, context => Partition(context, options => options.Upload));
            limiter.OnRejected = (rejected, cancellationToken) =>
            {
                // The limiter says a whole window, and starts the next one on a 100 ms timer: a client waiting exactly
                // that long could come a moment early. A second more, and the wait suffices.
                var window = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.Zero;
                return new ValueTask(Problems.TooManyRequests(
                    "Too many requests from your address; try again later.", window + ReplenishmentSlack).ExecuteAsync(rejected.HttpContext));
            };
        });
        return builder;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, Func<ClientRateLimitOptions, RateLimit> limitOf)
    {
        var limit = limitOf(context.RequestServices.GetRequiredService<IOptions<ClientRateLimitOptions>>().Value);
        return RateLimitPartition.GetFixedWindowLimiter(ClientKey(context.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = limit.Window,
            // Refused at once with a Retry-After, not held in a queue.
            QueueLimit = 0,
        });
    }

    /// <summary>
    /// The partition of a client address: IPv4 as it is; IPv6 by its /64, since one subscriber is usually given a
    /// whole /64 and could otherwise take a fresh address for every request.
    /// </summary>
    public static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }
}
