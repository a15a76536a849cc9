using System.Text.Json;
using TuneSculptor.System.Tests.Harness;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Security;

public static class NothingStored
{
    /// <summary>
    /// The user has no video and no job, and no chunk of a file begun since <paramref name="since"/> is left without
    /// its file (what an upload cut short would leave).
    /// </summary>
    public static async Task AssertAsync(
        HostProcessSystem system, GatewayClient gateway, string email, string token, DateTime since, CancellationToken cancellationToken)
    {
        var media = await MediaDatabase.ConnectAsync(system, cancellationToken);
        Assert.Equal(0, await media.CountVideosOfAsync(email, cancellationToken));
        Assert.Empty(await media.OrphanChunksAsync(since, cancellationToken));
        using var jobs = await gateway.GetAsync(token, "/jobs", cancellationToken);
        Assert.Equal(0, JsonDocument.Parse(await jobs.Content.ReadAsStringAsync(cancellationToken)).RootElement.GetProperty("total").GetInt64());
    }
}
