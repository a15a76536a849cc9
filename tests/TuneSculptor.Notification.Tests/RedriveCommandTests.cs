using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using TuneSculptor.Contracts;
using TuneSculptor.Messaging;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Notification.Tests;

/// <summary>
/// The notification's <c>redrive</c> command, run as an operator runs it in its image (<c>./TuneSculptor.Notification
/// redrive mp3 --job …</c> from the folder of its binaries), against a real broker, its connection string from the
/// environment as in Kubernetes.
/// </summary>
public sealed class RedriveCommandTests(RabbitMQBroker broker) : IClassFixture<RabbitMQBroker>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_jobs_notices_go_back_to_their_queue_and_the_rest_stay()
    {
        var job = JobId.Parse("65a1b2c3d4e5f60718293a4b");
        var other = JobId.Parse("65a1b2c3d4e5f60718293a4c");
        await PutDeadLetterAsync(job);
        await PutDeadLetterAsync(other);

        var (exitCode, output, errors) = await RunAsync(broker.ConnectionString, "redrive", Queues.Mp3, "--job", job.ToString());

        Assert.True(exitCode == 0, $"Exit code {exitCode}: {errors}");
        Assert.Contains("1 dead letter(s) moved from mp3.dead-letter back to mp3, 1 left", output, StringComparison.Ordinal);
        Assert.Equal([job.ToString()], await JobsInAsync(Queues.Mp3));
        Assert.Equal([other.ToString()], await JobsInAsync(Topology.DeadLetterQueue(Queues.Mp3)));

        // No queue named: every queue the notification consumes.
        (exitCode, output, errors) = await RunAsync(broker.ConnectionString, "redrive");
        Assert.True(exitCode == 0, $"Exit code {exitCode}: {errors}");
        Assert.Contains("1 dead letter(s) moved from mp3.dead-letter back to mp3, 0 left", output, StringComparison.Ordinal);
        Assert.Contains("0 dead letter(s) moved from account-mail.dead-letter back to account-mail, 0 left", output, StringComparison.Ordinal);
        Assert.Equal([job.ToString(), other.ToString()], await JobsInAsync(Queues.Mp3));
    }

    [Fact]
    public async Task A_queue_the_service_does_not_consume_or_a_bad_job_id_is_refused_with_its_usage()
    {
        var (exitCode, _, errors) = await RunAsync(broker.ConnectionString, "redrive", Queues.Video);
        Assert.Equal(RedriveCommand.UsageError, exitCode);
        Assert.Contains("This service does not consume a queue 'video': its queues are mp3, account-mail.", errors, StringComparison.Ordinal);
        Assert.Contains("usage: TuneSculptor.Notification redrive [mp3|account-mail] [--job <job id>]", errors, StringComparison.Ordinal);

        (exitCode, _, errors) = await RunAsync(broker.ConnectionString, "redrive", Queues.Mp3, "--job", "nope");
        Assert.Equal(RedriveCommand.UsageError, exitCode);
        Assert.Contains("'nope' is not a job id", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_broker_fails_with_why()
    {
        var nowhere = new UriBuilder(broker.ConnectionString) { Port = ClosedPort() }.Uri.ToString();

        var (exitCode, _, errors) = await RunAsync(nowhere, "redrive", Queues.Mp3);

        Assert.Equal(RedriveCommand.BrokerError, exitCode);
        Assert.Contains("Redrive failed: None of the specified endpoints were reachable", errors, StringComparison.Ordinal);
    }

    /// <summary>Runs the service's own executable from the folder of its binaries (the image's /app), as <c>kubectl exec</c> does.</summary>
    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string connectionString, params string[] args)
    {
        var folder = AppContext.BaseDirectory;
        var start = new ProcessStartInfo(Path.Combine(folder, "TuneSculptor.Notification"))
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ConnectionStrings__rabbitmq"] = connectionString, ["DOTNET_ENVIRONMENT"] = "Production" },
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(RunTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var result = (process.ExitCode, await output, await errors);
        TestContext.Current.TestOutputHelper?.WriteLine($"$ TuneSculptor.Notification {string.Join(' ', args)} -> {result.ExitCode}\n{result.Item2}{result.Item3}");
        return result;
    }

    /// <summary>A notice dead-lettered as the notification leaves one (the job id as correlation id, the reason in headers).</summary>
    private async Task PutDeadLetterAsync(JobId job)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), Cancellation);
        await Topology.DeclareAsync(channel, Queues.Mp3, deliveryLimit: 5, Cancellation);
        await Topology.DeclareAsync(channel, Queues.AccountMail, deliveryLimit: 5, Cancellation);
        var properties = new BasicProperties
        {
            Persistent = true,
            Type = MessageType.Of<Mp3Ready>(),
            CorrelationId = job.ToString(),
            Headers = new Dictionary<string, object?> { [MessageHeaders.DeadLetterCause] = Encoding.UTF8.GetBytes(DeadLetterCauses.GaveUp) },
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(new Mp3Ready(job, "65a1b2c3d4e5f60718293a4d", "someone@example.com", "a.mp4"), MessageType.JsonOptions);
        await channel.BasicPublishAsync(Topology.DeadLetterExchange, Queues.Mp3, mandatory: true, properties, body, Cancellation);
    }

    /// <summary>The job ids of the messages in <paramref name="queue"/>, in order; they stay there.</summary>
    private async Task<string[]> JobsInAsync(string queue)
    {
        var jobs = new List<string>();
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Cancellation);
        while (await channel.BasicGetAsync(queue, autoAck: false, Cancellation) is { } message)
        {
            jobs.Add(JsonSerializer.Deserialize<Mp3Ready>(message.Body.Span, MessageType.JsonOptions)!.JobId.ToString());
        }

        // Unacknowledged, they go back when the channel closes.
        return [.. jobs];
    }

    private Task<IConnection> ConnectAsync() =>
        new ConnectionFactory { Uri = new Uri(broker.ConnectionString), AutomaticRecoveryEnabled = false }.CreateConnectionAsync(Cancellation);

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
