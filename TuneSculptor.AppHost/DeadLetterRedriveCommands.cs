using Microsoft.Extensions.Logging;
using TuneSculptor.Contracts;
using TuneSculptor.Hosting.RabbitMQ;
using TuneSculptor.Messaging;

namespace TuneSculptor.AppHost;

/// <summary>The dashboard's way to replay a service's dead letters once their cause is fixed (README, "Replaying dead letters").</summary>
public static class DeadLetterRedriveCommands
{
    /// <summary>Sends every dead letter of the service's queues back to them; no input, so a test can run it too.</summary>
    public const string RedriveAll = "redrive-dead-letters";

    /// <summary>Sends one job's dead letters back, the job id asked for (<see cref="JobIdArgument"/>).</summary>
    public const string RedriveJob = "redrive-job-dead-letters";

    public const string JobIdArgument = "jobId";

    private const string MalformedJobId = "A job id is 24 hexadecimal digits.";

    /// <summary>
    /// Adds the dashboard commands that redrive the dead letters of the <paramref name="queues"/> the
    /// <paramref name="service"/> consumes (<see cref="DeadLetterRedrive"/>), on <paramref name="broker"/> reached with its
    /// connection string, once their cause is fixed. Run mode only: in Kubernetes the services' own
    /// <c>redrive</c> command does the same (<see cref="RedriveCommand"/>, README).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDeadLetterRedrive(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<IRabbitMQBrokerResource> broker, params string[] queues)
    {
        if (!service.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return service;
        }

        var deadLetterQueues = string.Join(", ", queues.Select(Topology.DeadLetterQueue));
        service.WithCommand(
            RedriveAll,
            "Redrive dead letters",
            context => RedriveAsync(context, broker.Resource, queues, job: null),
            new CommandOptions
            {
                Description = $"Sends every message waiting in {deadLetterQueues} back to its queue, to be tried again from the start of its retry schedule. Fix what failed them first.",
                IconName = "ArrowRedo",
            });
        service.WithCommand(
            RedriveJob,
            "Redrive one job's dead letters",
            // Validated before it runs (below), and again here for clients that skip validation.
            context => JobId.TryParse(context.Arguments.GetString(JobIdArgument), out var job)
                ? RedriveAsync(context, broker.Resource, queues, job)
                : Task.FromResult(CommandResults.Failure(MalformedJobId)),
            new CommandOptions
            {
                Description = $"Sends one job's messages waiting in {deadLetterQueues} back to its queue; the others stay.",
                IconName = "ArrowRedo",
                Arguments =
                [
                    new InteractionInput
                    {
                        Name = JobIdArgument,
                        Label = "Job id",
                        Description = "The job's id, as GET /jobs/{id} and the web page show it (24 hexadecimal digits).",
                        InputType = InputType.Text,
                        Required = true,
                        MaxLength = 24,
                    },
                ],
                ValidateArguments = validation =>
                {
                    if (!validation.Inputs.TryGetByName(JobIdArgument, out var input) || !JobId.TryParse(input.Value, out _))
                    {
                        validation.AddValidationError(JobIdArgument, MalformedJobId);
                    }

                    return Task.CompletedTask;
                },
            });
        return service;
    }

    private static async Task<ExecuteCommandResult> RedriveAsync(ExecuteCommandContext context, IRabbitMQBrokerResource broker, string[] queues, JobId? job)
    {
        try
        {
            var connectionString = await broker.GetConnectionStringAsync(context.CancellationToken)
                ?? throw new InvalidOperationException($"The broker '{broker.Name}' has no connection string yet: is it running?");
            var results = await DeadLetterRedrive.RunAsync(connectionString, queues, job, context.Logger, context.CancellationToken);
            return CommandResults.Success(string.Join("; ", results));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.Logger.LogError(ex, "Redrive of {Queues} failed", string.Join(", ", queues));
            return CommandResults.Failure($"Redrive failed: {ex.Message}");
        }
    }
}
