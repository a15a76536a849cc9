using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Contracts;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Storage.Tests;

/// <summary>
/// A stage waiting to be retried, as its owner sees it: the conversion's (the converter's to write) and the mail's (the
/// notification's), each shown while it can still be true and moving changed_at, replaced by a later attempt but never
/// by an earlier one that comes late, and cleared when the stage succeeds or fails for good.
/// </summary>
public sealed class PendingRetryTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly IMongoDatabase _database;
    private readonly IServiceProvider _services;

    public PendingRetryTests(MongoServer mongo)
    {
        _database = mongo.NewDatabase();
        _services = new ServiceCollection()
            .AddSingleton(_database).AddSingleton<TimeProvider>(_clock).AddJobSubmissions().AddConversionJobs().AddNotificationLog()
            .BuildServiceProvider();
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private IConversionJobs Jobs => _services.GetRequiredService<IConversionJobs>();

    private INotificationLog Mail => _services.GetRequiredService<INotificationLog>();

    [Fact]
    public async Task A_conversion_waiting_to_be_retried_shows_it_until_a_later_attempt_and_an_earlier_one_coming_late_changes_nothing()
    {
        var id = await NewJobAsync();
        var created = await FindAsync(id);
        Assert.True(await Jobs.StartConvertingAsync(id, "converter-a", Lease, Cancellation));
        await Jobs.ReleaseLeaseAsync(id, "converter-a", Cancellation); // failed: let go, so the retry may start anywhere
        _clock.Advance(TimeSpan.FromSeconds(3));

        Assert.True(await Jobs.NoteRetryAsync(id, Retry("storage unavailable", attempt: 2), Cancellation));

        var job = await FindAsync(id);
        AssertRetry(job.ConversionRetry, "storage unavailable", 2);
        Assert.Equal(JobStatus.Converting, job.Status);
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, job.ChangedAt); // the owner's stream shows it
        Assert.True(job.UpdatedAt < job.ChangedAt, "A retry note moved the conversion's clock."); // not a status change

        Assert.False(await Jobs.NoteRetryAsync(id, Retry("temporary problem", attempt: 1), Cancellation));
        Assert.False(await Jobs.NoteRetryAsync(id, Retry("temporary problem", attempt: 2), Cancellation));
        AssertRetry((await FindAsync(id)).ConversionRetry, "storage unavailable", 2);
        Assert.True(await Jobs.NoteRetryAsync(id, Retry("temporary problem", attempt: 3), Cancellation));
        AssertRetry((await FindAsync(id)).ConversionRetry, "temporary problem", 3);
        Assert.NotEqual(created.ChangedAt, (await FindAsync(id)).ChangedAt);
    }

    [Fact]
    public async Task A_conversion_retry_is_cleared_when_converting_starts_again_and_not_noted_while_a_converter_holds_the_job()
    {
        var id = await NewJobAsync();
        Assert.True(await Jobs.NoteRetryAsync(id, Retry("storage unavailable", attempt: 1), Cancellation)); // still queued

        Assert.True(await Jobs.StartConvertingAsync(id, "converter-b", Lease, Cancellation));

        Assert.Null((await FindAsync(id)).ConversionRetry);
        // The note of an attempt before this one, coming late: the retry has begun, the job is not waiting.
        Assert.False(await Jobs.NoteRetryAsync(id, Retry("storage unavailable", attempt: 2), Cancellation));
        Assert.Null((await FindAsync(id)).ConversionRetry);
        // Noted again once the holder let go, or its lease ran out.
        _clock.Advance(Lease);
        Assert.True(await Jobs.NoteRetryAsync(id, Retry("storage unavailable", attempt: 2), Cancellation));
    }

    [Fact]
    public async Task A_conversion_retry_is_cleared_when_the_job_is_done_or_failed_and_never_noted_after()
    {
        var done = await NewJobAsync();
        var failed = await NewJobAsync();
        var deleted = await NewJobAsync();
        foreach (var id in new[] { done, failed, deleted })
        {
            Assert.True(await Jobs.NoteRetryAsync(id, Retry("storage unavailable", attempt: 1), Cancellation));
        }

        Assert.True(await Jobs.MarkDoneAsync(done, ObjectId.GenerateNewId(), 60, Cancellation));
        Assert.True(await Jobs.MarkFailedAsync(failed, "It could not be processed after several attempts.", Cancellation));
        Assert.NotNull(await _services.GetRequiredService<IJobSubmissions>().MarkDeletedAsync(deleted, "user-1", Cancellation));

        foreach (var id in new[] { done, failed })
        {
            Assert.Null((await FindAsync(id)).ConversionRetry);
            // Stored without the field at all, as a job that never waited.
            Assert.False((await RawAsync(id)).Contains("conversion_retry"));
        }

        foreach (var id in new[] { done, failed, deleted })
        {
            var before = await RawAsync(id);
            Assert.False(await Jobs.NoteRetryAsync(id, Retry("storage unavailable", attempt: 5), Cancellation));
            Assert.Equal(before, await RawAsync(id));
        }
    }

    [Fact]
    public async Task A_mail_waiting_to_be_retried_then_failed_then_retried_again_is_cleared_once_sent_and_never_noted_after()
    {
        var id = await NewJobAsync();
        await Jobs.MarkDoneAsync(id, ObjectId.GenerateNewId(), 60, Cancellation);
        var done = await FindAsync(id);
        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.True(await Mail.NoteMailRetryAsync(id, Retry("mail server unreachable", attempt: 1), Cancellation));
        var waiting = await FindAsync(id);
        AssertRetry(waiting.MailRetry, "mail server unreachable", 1);
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, waiting.ChangedAt);
        Assert.Equal(done.UpdatedAt, waiting.UpdatedAt); // the conversion's clock is not the notification's
        Assert.Equal(JobStatus.Done, waiting.Status);
        Assert.False(await Mail.NoteMailRetryAsync(id, Retry("temporary problem", attempt: 1), Cancellation)); // late

        // Its retries over: the mail failed, said for the user; a redriven message waiting again replaces that.
        Assert.True(await Mail.MarkMailFailedAsync(id, "It could not be sent after several attempts.", Cancellation));
        var failed = await FindAsync(id);
        Assert.Null(failed.MailRetry);
        Assert.Equal("It could not be sent after several attempts.", failed.MailError);
        Assert.True(await Mail.NoteMailRetryAsync(id, Retry("mail server unreachable", attempt: 1), Cancellation));
        Assert.Null((await FindAsync(id)).MailError);

        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await Mail.MarkNotifiedAsync(id, Cancellation));
        var sent = await FindAsync(id);
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, sent.NotifiedAt);
        Assert.Equal(sent.NotifiedAt, sent.ChangedAt);
        Assert.Null(sent.MailRetry);
        Assert.Null(sent.MailError);

        var before = await RawAsync(id);
        Assert.False(await Mail.NoteMailRetryAsync(id, Retry("mail server unreachable", attempt: 9), Cancellation));
        Assert.False(await Mail.MarkMailFailedAsync(id, "too late", Cancellation));
        Assert.False(await Mail.MarkNotifiedAsync(id, Cancellation));
        Assert.Equal(before, await RawAsync(id));
    }

    private PendingRetry Retry(string reason, int attempt) =>
        new() { Reason = reason, Attempt = attempt, NextAttemptAt = _clock.GetUtcNow().UtcDateTime.AddSeconds(attempt * 10) };

    private void AssertRetry(PendingRetry? retry, string reason, int attempt)
    {
        Assert.NotNull(retry);
        Assert.Equal(reason, retry.Reason);
        Assert.Equal(attempt, retry.Attempt);
        Assert.Equal(DateTimeKind.Utc, retry.NextAttemptAt.Kind);
        Assert.Equal(Retry(reason, attempt).NextAttemptAt, retry.NextAttemptAt);
    }

    private async Task<JobId> NewJobAsync()
    {
        var job = new NewJob(JobIds.New(), "user-1", "user-1@example.com", "clip.mp4", "video/mp4", 1234, ObjectId.GenerateNewId(), Bitrate: null);
        return (await _services.GetRequiredService<IJobSubmissions>().CreateAsync(job, Cancellation)).Id;
    }

    private async Task<Job> FindAsync(JobId id) => (await Jobs.FindAsync(id, Cancellation))!;

    private async Task<BsonDocument> RawAsync(JobId id) =>
        await _database.GetCollection<BsonDocument>("jobs").Find(new BsonDocument("_id", ObjectId.Parse(id.ToString()))).SingleAsync(Cancellation);
}
