using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TuneSculptor.System.Tests.Harness;
using TuneSculptor.Testing;
using static TuneSculptor.System.Tests.Limits.UserLimitsSystemFixture;

namespace TuneSculptor.System.Tests.Limits;

/// <summary>
/// Issue 16, per-user limits, through the gateway of a running system (limits lowered by configuration, no converter:
/// jobs stay queued, videos stay stored): each limit is reached, answered with its status, problem and Retry-After,
/// and recovered by what the answer says to do. Every test has a user of its own.
/// </summary>
public sealed class UserLimitTests(UserLimitsSystemFixture fixture) : IClassFixture<UserLimitsSystemFixture>, IDisposable
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(30);

    private readonly GatewayClient _gateway = new(fixture.System.GetHttpEndpoint("gateway"), mail: fixture.System.GetHttpEndpoint("mail"));

    /// <summary>Sends a body only once the gateway reads it (<see cref="ExpectContinue"/>).</summary>
    private readonly GatewayClient _expectingContinue = new(ExpectContinue.Client(fixture.System.GetHttpEndpoint("gateway")));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Past_the_jobs_limit_an_upload_is_a_429_until_a_job_is_deleted()
    {
        var (_, token) = await _gateway.SignUpAsync(Cancellation);
        var first = await _gateway.UploadForJobAsync(token, new ByteArrayContent(Bytes(1000)), "a.mp4", Cancellation);
        await _gateway.UploadForJobAsync(token, new ByteArrayContent(Bytes(1000)), "b.mp4", Cancellation);

        using (var refused = await _gateway.UploadAsync(token, new ByteArrayContent(Bytes(1000)), "c.mp4", null, Cancellation))
        {
            var problem = await Problem.AssertAsync(refused, HttpStatusCode.TooManyRequests);
            Assert.Equal(ActiveJobsRetryAfter, refused.Headers.RetryAfter?.Delta);
            Assert.Equal(
                $"You have {MaxActiveJobs} jobs queued, converting or uploading; at most {MaxActiveJobs} may be. Wait for one to finish, or delete one.",
                problem.GetProperty("detail").GetString());
        }

        Assert.Equal(2, await TotalJobsAsync(token));
        using (var deleted = await _gateway.DeleteJobAsync(token, first, Cancellation))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await _gateway.UploadForJobAsync(token, new ByteArrayContent(Bytes(1000)), "c.mp4", Cancellation);
    }

    [Fact]
    public async Task Past_the_storage_quota_an_upload_is_a_413_with_the_quota_and_the_bytes_used_until_a_job_is_deleted()
    {
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        const int fileBytes = 600_000;
        var first = await _gateway.UploadForJobAsync(token, new ByteArrayContent(Bytes(fileBytes)), "a.mp4", Cancellation);
        var since = DateTime.UtcNow;

        // Announced (Content-Length): refused before the body is read, so never sent.
        var announcedBody = new HeldUploadContent(Bytes(fileBytes));
        using (var announced = await _expectingContinue.UploadAsync(token, announcedBody, "b.mp4", null, Cancellation))
        {
            await AssertOverQuotaAsync(announced, used: fileBytes);
            Assert.False(announcedBody.Started.IsCompleted, "The body was asked for.");
        }

        // Not announced (chunked): stopped once the bytes read pass what the quota leaves, its part removed.
        using (var chunked = await _gateway.UploadAsync(token, new ChunkedContent(Bytes(fileBytes)), "c.mp4", null, Cancellation))
        {
            await AssertOverQuotaAsync(chunked, used: fileBytes);
        }

        var media = await MediaDatabase.ConnectAsync(fixture.System, Cancellation);
        Assert.Equal(1, await media.CountVideosOfAsync(email, Cancellation));
        Assert.Empty(await media.OrphanChunksAsync(since, Cancellation));
        Assert.Equal(1, await TotalJobsAsync(token));

        using (var deleted = await _gateway.DeleteJobAsync(token, first, Cancellation))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await _gateway.UploadForJobAsync(token, new ChunkedContent(Bytes(fileBytes)), "d.mp4", Cancellation);
        Assert.Equal(1, await media.CountVideosOfAsync(email, Cancellation));
    }

    [Fact]
    public async Task An_upload_past_the_in_flight_limit_is_a_429_before_its_body_is_read_until_the_first_ends()
    {
        var (_, token) = await _gateway.SignUpAsync(Cancellation);
        var inFlight = new HeldUploadContent(Bytes(300_000));
        var first = _gateway.UploadAsync(token, inFlight, "a.mp4", null, Cancellation);
        await inFlight.Started;
        // Its slot, taken before the gateway reads its body.
        var media = await MediaDatabase.ConnectAsync(fixture.System, Cancellation);
        var ownerId = await _gateway.GetUserIdAsync(token, Cancellation);
        var deadline = DateTime.UtcNow + RecoveryTimeout;
        while (await media.UploadsInFlightOfAsync(ownerId, Cancellation) != 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "The first upload holds no slot.");
            await Task.Delay(TimeSpan.FromMilliseconds(100), Cancellation);
        }

        var secondBody = new HeldUploadContent(Bytes(300_000));
        using (var refused = await _expectingContinue.UploadAsync(token, secondBody, "b.mp4", null, Cancellation))
        {
            Assert.False(secondBody.Started.IsCompleted, "The body was asked for.");
            var problem = await Problem.AssertAsync(refused, HttpStatusCode.TooManyRequests);
            Assert.Equal(ReservationLifetime, refused.Headers.RetryAfter?.Delta);
            Assert.Equal(
                $"You have {MaxUploadsInFlight} uploads in flight, the most at once: wait for one to finish.",
                problem.GetProperty("detail").GetString());
        }

        inFlight.Release();
        using (var accepted = await first)
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        Assert.Equal(0, await media.UploadsInFlightOfAsync(ownerId, Cancellation));
        await _gateway.UploadForJobAsync(token, new ByteArrayContent(Bytes(1000)), "c.mp4", Cancellation);
    }

    [Fact]
    public async Task An_event_stream_past_the_limit_is_a_429_until_one_is_closed()
    {
        var (_, token) = await _gateway.SignUpAsync(Cancellation);
        var open = await OpenStreamAsync(token);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal("event: ready", await ReadLineAsync(open));

        using (var refused = await OpenStreamAsync(token))
        {
            var problem = await Problem.AssertAsync(refused, HttpStatusCode.TooManyRequests);
            Assert.Equal(ReservationLifetime, refused.Headers.RetryAfter?.Delta);
            Assert.Equal(
                $"You have {MaxEventStreams} event streams open, the most at once: close one (a tab, say).",
                problem.GetProperty("detail").GetString());
        }

        // Closed by the client: the gateway notices, ends the stream and gives its slot back.
        open.Dispose();
        var deadline = DateTime.UtcNow + RecoveryTimeout;
        while (true)
        {
            using var again = await OpenStreamAsync(token);
            if (again.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal("event: ready", await ReadLineAsync(again));
                break;
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, $"No new stream within {RecoveryTimeout.TotalSeconds} s of closing one.");
            await Task.Delay(TimeSpan.FromMilliseconds(200), Cancellation);
        }
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _expectingContinue.Dispose();
    }

    private static async Task AssertOverQuotaAsync(HttpResponseMessage response, long used)
    {
        var problem = await Problem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(MaxStoredBytes, problem.GetProperty("quota_bytes").GetInt64());
        Assert.Equal(used, problem.GetProperty("used_bytes").GetInt64());
        Assert.Contains($"Your files may take {MaxStoredBytes} bytes", problem.GetProperty("detail").GetString());
        Assert.Null(response.Headers.RetryAfter);
    }

    private Task<HttpResponseMessage> OpenStreamAsync(string token) =>
        _gateway.GetAsync(token, "/jobs/events", Cancellation, completion: HttpCompletionOption.ResponseHeadersRead);

    private static async Task<string?> ReadLineAsync(HttpResponseMessage response)
    {
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Cancellation));
        return await reader.ReadLineAsync(Cancellation);
    }

    private async Task<long> TotalJobsAsync(string token)
    {
        using var jobs = await _gateway.GetAsync(token, "/jobs", Cancellation);
        return JsonDocument.Parse(await jobs.Content.ReadAsStringAsync(Cancellation)).RootElement.GetProperty("total").GetInt64();
    }

    private static byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
