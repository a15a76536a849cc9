using System.Net;
using System.Net.Http.Json;
using TuneSculptor.Contracts;

namespace TuneSculptor.Notification.Email;

/// <summary>
/// Asks auth, which owns accounts, whether an account's address is verified: nothing but the verification mail goes
/// to an address that is not. Asked per mail, so a verification is seen at once and never cached out of date.
/// </summary>
public sealed class AuthAddresses(HttpClient http)
{
    /// <summary>The auth service, found by service discovery (<c>services__auth__http__0</c> from the AppHost).</summary>
    public static readonly Uri BaseAddress = new("http://auth");

    /// <returns>false also when the account no longer exists.</returns>
    public async Task<bool> IsVerifiedAsync(string accountId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/internal/accounts/{Uri.EscapeDataString(accountId)}/address", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<AddressStatus>(ServiceJson.Options, cancellationToken))?.Verified
               ?? throw new InvalidOperationException("auth answered an address status with nothing.");
    }
}
