using System.Net;
using System.Text.Json;

namespace TuneSculptor.Testing;

/// <summary>A service's <c>/health</c> answer: overall status and each named check's status.</summary>
public sealed record ServiceHealth(HttpStatusCode StatusCode, string Status, IReadOnlyDictionary<string, string> Checks, string Body)
{
    /// <summary>
    /// The check that is degraded while dead letters wait for the service's queues: work for an operator, not a
    /// dependency, and tests that fail jobs on purpose leave some in a shared system.
    /// </summary>
    public const string DeadLettersCheck = "dead-letters";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>Every dependency check healthy (connections open, indexes in place), whatever the dead letters waiting.</summary>
    public bool ReachesDependencies => Checks.Where(check => check.Key != DeadLettersCheck).All(check => check.Value == "Healthy");

    public static async Task<ServiceHealth> GetAsync(Uri serviceEndpoint, CancellationToken cancellationToken, string path = "/health")
    {
        using var response = await Http.GetAsync(new Uri(serviceEndpoint, path), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        using var document = JsonDocument.Parse(body);
        var checks = document.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(check => check.GetProperty("name").GetString()!, check => check.GetProperty("status").GetString()!);
        return new ServiceHealth(response.StatusCode, document.RootElement.GetProperty("status").GetString()!, checks, body);
    }

    /// <summary>Polls until <paramref name="condition"/> holds; the last answer is in the failure message.</summary>
    public static async Task<ServiceHealth> WaitUntilAsync(
        Uri serviceEndpoint, Func<ServiceHealth, bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        ServiceHealth? last = null;
        Exception? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await GetAsync(serviceEndpoint, cancellationToken);
                if (condition(last))
                {
                    return last;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException { InnerException: TimeoutException } or JsonException)
            {
                lastError = ex;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        throw new TimeoutException(
            $"{serviceEndpoint}health did not reach the expected state within {timeout.TotalSeconds:0} s. " +
            $"Last answer: {last?.StatusCode} {last?.Body ?? lastError?.Message}");
    }
}
