using System.Net.Http.Json;
using TuneSculptor.Contracts;
using TuneSculptor.Gateway.Auth;

namespace TuneSculptor.Gateway.Accounts;

/// <summary>Auth's internal account routes, which only the services call (the gateway never forwards them).</summary>
public sealed class AuthAccounts(HttpClient http)
{
    public const string Prefix = "/internal/accounts";

    public async Task<string> VerifyAsync(Guid accountId, string nonce, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync($"{Prefix}/verifications", new VerificationRequest(accountId, nonce), ServiceJson.Options, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<VerificationResult>(ServiceJson.Options, cancellationToken))?.Outcome
               ?? throw new InvalidOperationException("auth answered a verification with no outcome.");
    }

    /// <returns>null when auth has no such account.</returns>
    public async Task<VerificationMailResult?> RequestVerificationMailAsync(string accountId, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync($"{Prefix}/{Uri.EscapeDataString(accountId)}/verification-mail", content: null, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<VerificationMailResult>(ServiceJson.Options, cancellationToken)
               ?? throw new InvalidOperationException("auth answered a verification mail request with nothing.");
    }

    public static void Register(IServiceCollection services) =>
        services.AddHttpClient<AuthAccounts>(client => client.BaseAddress = AuthServiceExtensions.BaseAddress);
}
