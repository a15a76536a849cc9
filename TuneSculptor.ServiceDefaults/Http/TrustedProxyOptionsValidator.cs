using System.Net;
using Microsoft.Extensions.Options;

namespace TuneSculptor.ServiceDefaults.Http;

/// <summary>Every entry of <see cref="TrustedProxyOptions"/> must parse: a typo must stop the start, not trust nobody (or more).</summary>
internal sealed class TrustedProxyOptionsValidator : IValidateOptions<TrustedProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, TrustedProxyOptions options)
    {
        var failures = options.Addresses
            .Select((address, index) => (address, index))
            .Where(entry => !IPAddress.TryParse(entry.address, out _))
            .Select(entry => $"{TrustedProxyOptions.Section}:Addresses:{entry.index}: '{entry.address}' is not an IP address.")
            .Concat(options.Networks
                .Select((network, index) => (network, index))
                .Where(entry => !IPNetwork.TryParse(entry.network, out _))
                .Select(entry => $"{TrustedProxyOptions.Section}:Networks:{entry.index}: '{entry.network}' is not a network in CIDR notation (e.g. 10.244.0.0/16)."))
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
