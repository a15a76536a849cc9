using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TuneSculptor.Messaging.Tests.Harness;

namespace TuneSculptor.Messaging.Tests;

/// <summary>Where a queue's retry schedule comes from: the library's defaults, the service's, then configuration.</summary>
public sealed class QueueSettingsTests
{
    [Fact]
    public void Configuration_overrides_the_service_s_schedule_for_every_queue_then_for_one_whatever_the_order_of_registration()
    {
        var retry = RetryOf("mails", new Dictionary<string, string?>
        {
            ["Messaging:Retry:GiveUpAfter"] = "00:10:00",
            ["Messaging:Retry:Jitter"] = "0.1",
            ["Messaging:Queues:mails:Retry:MaxDelay"] = "00:02:00",
            ["Messaging:Queues:mails:Retry:Jitter"] = "0",
            ["Messaging:Queues:other:Retry:FirstDelay"] = "00:00:42",
        });

        Assert.Equal(TimeSpan.FromSeconds(5), retry.FirstDelay); // the service's
        Assert.Equal(TimeSpan.FromMinutes(2), retry.MaxDelay); // this queue's configuration
        Assert.Equal(TimeSpan.FromMinutes(10), retry.GiveUpAfter); // every queue's configuration
        Assert.Equal(0, retry.Jitter); // this queue's over every queue's
    }

    [Fact]
    public void Without_configuration_a_queue_has_its_service_s_schedule_or_else_the_library_s()
    {
        var mails = RetryOf("mails", []);
        Assert.Equal(
            (TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(6), 0.2),
            (mails.FirstDelay, mails.MaxDelay, mails.GiveUpAfter, mails.Jitter));

        var plain = RetryOf("plain", []);
        Assert.Equal(
            (TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), 0.2),
            (plain.FirstDelay, plain.MaxDelay, plain.GiveUpAfter, plain.Jitter));
    }

    /// <summary>The schedule of <paramref name="queue"/> in a service whose <c>mails</c> queue retries for 6 h, set after its consumer was added.</summary>
    private static RetrySchedule RetryOf(string queue, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:rabbitmq"] = "amqp://localhost:1" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddRabbitMQMessaging("rabbitmq")
            .AddScriptedConsumer("mails", new HandlerScript<WorkItem>())
            .AddScriptedConsumer("plain", new HandlerScript<OtherWorkItem>())
            .ConfigureRetry("mails", retry =>
            {
                retry.FirstDelay = TimeSpan.FromSeconds(5);
                retry.MaxDelay = TimeSpan.FromMinutes(30);
                retry.GiveUpAfter = TimeSpan.FromHours(6);
            });
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptionsMonitor<QueueOptions>>().Get(queue).Retry;
    }
}
