using RabbitMQ.Client;
using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging.Tests;

public sealed class RetryPolicyTests
{
    private static readonly DateTimeOffset FirstFailure = new(2026, 11, 30, 5, 0, 0, TimeSpan.Zero);

    private static readonly RetrySchedule Schedule = new()
    {
        FirstDelay = TimeSpan.FromSeconds(1),
        MaxDelay = TimeSpan.FromSeconds(5),
        GiveUpAfter = TimeSpan.FromMinutes(1),
        Jitter = 0.2,
    };

    private readonly RetryPolicy _policy = new(Schedule, new Random(17));

    [Fact]
    public void The_delay_doubles_with_each_failure_up_to_the_maximum() =>
        Assert.Equal([1, 2, 4, 5, 5], Enumerable.Range(1, 5).Select(failures => Schedule.NominalDelay(failures).TotalSeconds));

    [Fact]
    public void Each_delay_the_schedule_can_wait_is_a_tier_of_its_own_shortest_first()
    {
        Assert.Equal([1, 2, 4, 5], Schedule.Tiers.Select(tier => tier.TotalSeconds));
        var mails = new RetrySchedule { FirstDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromMinutes(30) };
        Assert.Equal([5, 10, 20, 40, 80, 160, 320, 640, 1280, 1800], mails.Tiers.Select(tier => tier.TotalSeconds));
    }

    [Fact]
    public void A_transient_failure_waits_its_tier_less_up_to_the_jitter_until_the_schedule_is_over()
    {
        var failure = new IOException("the store is away");

        var delays = Enumerable.Range(0, 200).Select(_ => Assert.IsType<RetryDecision.RetryLater>(
            _policy.Decide(failure, attempt: 3, FirstFailure, FirstFailure.AddSeconds(59)))).ToList();
        Assert.All(delays, retry => Assert.Equal(TimeSpan.FromSeconds(4), retry.Tier));
        Assert.All(delays, retry => Assert.InRange(retry.Delay, TimeSpan.FromSeconds(3.2), TimeSpan.FromSeconds(4)));
        Assert.True(delays.Select(retry => retry.Delay).Distinct().Count() > 100, "The delays are not spread.");

        Assert.Equal(
            new RetryDecision.FailForGood(RetryPolicy.GaveUpReason, Permanent: false),
            _policy.Decide(failure, attempt: 40, FirstFailure, FirstFailure.AddMinutes(1)));
    }

    [Fact]
    public void Without_jitter_each_delay_is_its_tier()
    {
        var exact = new RetryPolicy(new RetrySchedule { FirstDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100), Jitter = 0 }, new Random(1));
        Assert.Equal(
            new RetryDecision.RetryLater(TimeSpan.FromMilliseconds(80), TimeSpan.FromMilliseconds(80)),
            exact.Decide(new IOException("away"), attempt: 3, FirstFailure, FirstFailure));
    }

    [Fact]
    public void A_permanent_failure_fails_for_good_on_its_first_attempt_with_its_own_reason() =>
        Assert.Equal(
            new RetryDecision.FailForGood("The job no longer exists.", Permanent: true),
            _policy.Decide(new PermanentFailureException("The job no longer exists."), attempt: 1, FirstFailure, FirstFailure));

    [Fact]
    public void A_schedule_of_no_time_fails_a_transient_failure_at_once()
    {
        var never = new RetryPolicy(new RetrySchedule { GiveUpAfter = TimeSpan.Zero }, new Random(1));
        Assert.IsType<RetryDecision.FailForGood>(never.Decide(new IOException("away"), attempt: 1, FirstFailure, FirstFailure));
    }

    [Theory]
    [InlineData(null, null, 1)]
    [InlineData(null, 2L, 3)]
    [InlineData(4L, null, 4)]
    [InlineData(4L, 1L, 5)]
    public void The_attempt_is_the_copy_s_own_plus_the_deliveries_the_queue_counted_before(long? attempt, long? deliveryCount, int expected)
    {
        var headers = new Dictionary<string, object?>();
        if (attempt is { } a)
        {
            headers[MessageHeaders.Attempt] = a;
        }

        if (deliveryCount is { } count)
        {
            headers["x-delivery-count"] = count;
        }

        Assert.Equal(expected, RetryPolicy.AttemptOf(new BasicProperties { Headers = headers }));
    }

    [Fact]
    public void Headers_that_are_not_numbers_count_as_absent()
    {
        var properties = new BasicProperties
        {
            Headers = new Dictionary<string, object?> { [MessageHeaders.Attempt] = "many"u8.ToArray(), [MessageHeaders.FirstFailedAt] = "x"u8.ToArray() },
        };

        Assert.Equal(1, RetryPolicy.AttemptOf(properties));
        Assert.Null(RetryPolicy.FirstFailedAt(properties));
    }

    [Theory]
    [InlineData(0, 5, 60, 0.2, "FirstDelay")]
    [InlineData(2, 1, 60, 0.2, "MaxDelay")]
    [InlineData(1, 5, -1, 0.2, "GiveUpAfter")]
    [InlineData(1, 5, 60, 0.6, "Jitter")]
    public void A_schedule_that_cannot_work_is_refused_at_start_saying_why(double first, double max, double total, double jitter, string named)
    {
        var schedule = new RetrySchedule
        {
            FirstDelay = TimeSpan.FromSeconds(first),
            MaxDelay = TimeSpan.FromSeconds(max),
            GiveUpAfter = TimeSpan.FromSeconds(total),
            Jitter = jitter,
        };

        var refused = Assert.Throws<InvalidOperationException>(() => schedule.Validate("video"));
        Assert.Contains("'video'", refused.Message);
        Assert.Contains(named, refused.Message);
    }

    [Theory]
    [InlineData(1000, "video.retry.1s")]
    [InlineData(3_600_000, "video.retry.3600s")]
    [InlineData(20, "video.retry.20ms")]
    [InlineData(1500, "video.retry.1500ms")]
    public void A_retry_queue_is_named_after_its_delay(int milliseconds, string name) =>
        Assert.Equal(name, Topology.RetryQueue("video", TimeSpan.FromMilliseconds(milliseconds)));
}
