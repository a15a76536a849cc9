using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging.Tests;

public sealed class RetryPolicyTests
{
    private readonly RetryPolicy _policy = new(Options.Create(new MessagingOptions
    {
        DeliveryLimit = 3,
        RetryDelay = TimeSpan.FromSeconds(1),
        MaxRetryDelay = TimeSpan.FromSeconds(5),
    }));

    [Fact]
    public void The_delay_doubles_with_each_attempt_up_to_the_maximum() =>
        Assert.Equal([1, 2, 4, 5, 5], Enumerable.Range(1, 5).Select(attempt => _policy.Delay(attempt).TotalSeconds));

    [Fact]
    public void A_transient_failure_is_handed_back_while_deliveries_remain_then_failed_for_good()
    {
        var failure = new IOException("the store is away");

        Assert.Equal(new RetryDecision.HandBack(TimeSpan.FromSeconds(4)), _policy.Decide(failure, attempt: 3));
        Assert.Equal(new RetryDecision.FailForGood(RetryPolicy.GaveUpReason, Permanent: false), _policy.Decide(failure, attempt: 4));
    }

    [Fact]
    public void A_permanent_failure_fails_for_good_on_its_first_attempt_with_its_own_reason() =>
        Assert.Equal(
            new RetryDecision.FailForGood("The job no longer exists.", Permanent: true),
            _policy.Decide(new PermanentFailureException("The job no longer exists."), attempt: 1));

    [Theory]
    [InlineData(null, 1)]
    [InlineData(0L, 1)]
    [InlineData(2L, 3)]
    public void The_attempt_is_one_more_than_the_deliveries_the_queue_counted_before(long? deliveryCount, int attempt)
    {
        var headers = deliveryCount is { } count ? new Dictionary<string, object?> { ["x-delivery-count"] = count } : null;
        Assert.Equal(attempt, RetryPolicy.AttemptOf(new BasicProperties { Headers = headers }));
    }
}
