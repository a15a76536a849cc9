namespace TuneSculptor.Hosting.Runtime;

/// <summary>
/// Whether the registry of the official images answers at all, asked once and briefly: where none is reachable an
/// engine would wait forever on a pull, with no message saying why.
/// </summary>
public static class ContainerRegistryProbe
{
    /// <summary>Docker Hub's registry API, where the official images the model uses live.</summary>
    public static readonly Uri DockerHub = new("https://registry-1.docker.io/v2/");

    private static readonly TimeSpan DefaultAnswerTimeout = TimeSpan.FromSeconds(3);

    /// <returns>Null when the registry answered (any HTTP status: 401 is its usual greeting), else why not.</returns>
    public static string? Check(Uri registry, TimeSpan? answerTimeout = null)
    {
        var timeout = answerTimeout ?? DefaultAnswerTimeout;
        using var client = new HttpClient { Timeout = timeout };
        try
        {
            using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, registry), HttpCompletionOption.ResponseHeadersRead);
            return null;
        }
        catch (HttpRequestException error)
        {
            return $"{registry.Host} did not answer: {error.Message}";
        }
        catch (TaskCanceledException)
        {
            return $"{registry.Host} did not answer within {timeout.TotalSeconds:0} s";
        }
    }
}
