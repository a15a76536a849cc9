using System.Net;
using System.Net.Sockets;
using TuneSculptor.System.Tests.Harness;
using TuneSculptor.Testing;
using static TuneSculptor.System.Tests.Security.RawForms;

namespace TuneSculptor.System.Tests.Security;

/// <summary>
/// Issue 16, bounded input, with the default upload limit (2 GiB): a huge part that is not the file costs the gateway
/// a few bytes of reading and little memory; a client gone mid-upload leaves nothing stored.
/// </summary>
public sealed class LargeUploadTests(DefaultLimitsSystemFixture fixture) : IClassFixture<DefaultLimitsSystemFixture>, IDisposable
{
    /// <summary>The gateway's memory may grow by this much while a huge part is refused (issue 16: under 64 MB).</summary>
    private const long MaxMemoryGrowth = 64L * 1024 * 1024;

    /// <summary>More than the MongoDB driver's batch (16 MB), so chunks reach the database while the upload runs.</summary>
    private const int SentBeforeGoing = 24 * 1024 * 1024;

    private readonly GatewayClient _gateway = new(fixture.System.GetHttpEndpoint("gateway"), TimeSpan.FromMinutes(5), mail: fixture.System.GetHttpEndpoint("mail"));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("bitrate")]
    [InlineData("title")]
    public async Task A_200_MiB_part_that_is_not_the_file_is_refused_with_the_gateway_memory_bounded(string part)
    {
        const long size = 200L * 1024 * 1024;
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        var since = DateTime.UtcNow;

        HttpResponseMessage response;
        long growth;
        await using (var sampler = new RssSampler(fixture.System.ServiceProcessId("gateway")))
        {
            response = await _gateway.PostFieldAsync(token, part, new GeneratedContent(size), Cancellation);
            await sampler.StopAsync();
            growth = sampler.Growth;
        }

        using (response)
        {
            // Refused on its first bytes (bitrate: 17 of them) or its header (an unknown name), never read whole.
            var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
            Assert.Contains($"'{part}'", problem.GetProperty("detail").GetString());
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"gateway memory growth while a 200 MiB '{part}' part was refused: {growth / 1024.0 / 1024.0:0.0} MiB");
        Assert.True(growth < MaxMemoryGrowth, $"The gateway grew by {growth / 1024.0 / 1024.0:0.0} MiB while refusing a 200 MiB part.");
        await NothingStored.AssertAsync(fixture.System, _gateway, email, token, since, Cancellation);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_client_gone_mid_upload_leaves_nothing(bool reset)
    {
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        var since = DateTime.UtcNow;
        var media = await MediaDatabase.ConnectAsync(fixture.System, Cancellation);
        var logMark = fixture.System.LogMark("gateway");
        var gateway = fixture.System.GetHttpEndpoint("gateway");

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(gateway.Host, gateway.Port, Cancellation);
            var stream = client.GetStream();
            var part = FilePartHead("clip.mp4");
            await stream.WriteAsync(Ascii(
                $"POST /upload HTTP/1.1\r\nHost: {gateway.Authority}\r\nAuthorization: Bearer {token}\r\n" +
                $"Content-Type: {FormType()}\r\nContent-Length: {part.Length + 2L * SentBeforeGoing}\r\n\r\n"), Cancellation);
            await stream.WriteAsync(part, Cancellation);
            var chunk = new byte[64 * 1024];
            for (var sent = 0; sent < SentBeforeGoing; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk, Cancellation);
            }

            // The upload is being stored (chunks without their file document yet) when the client goes: closing
            // (FIN, as a closed browser tab) or resetting the connection (RST, as a client killed or a network lost).
            await Poll.UntilAsync(async () => (await media.OrphanChunksAsync(since, Cancellation)).Count > 0, TimeSpan.FromSeconds(60),
                "no chunk of the upload was stored", Cancellation);
            if (reset)
            {
                client.Client.LingerState = new LingerOption(true, 0);
            }
        }

        await Poll.UntilAsync(async () => (await media.OrphanChunksAsync(since, Cancellation)).Count == 0, TimeSpan.FromSeconds(60),
            "the partial upload's chunks stay", Cancellation);
        await NothingStored.AssertAsync(fixture.System, _gateway, email, token, since, Cancellation);
        Assert.DoesNotContain("An unhandled exception", fixture.System.LogsSince("gateway", logMark));
    }

    public void Dispose() => _gateway.Dispose();
}
