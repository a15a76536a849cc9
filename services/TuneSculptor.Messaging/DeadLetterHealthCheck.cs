using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TuneSculptor.Messaging;

/// <summary>
/// Degraded while dead letters wait for a queue the service consumes (with how many, per queue), healthy when there are
/// none. Never unhealthy: a dead letter is work for an operator (fix the cause, then redrive), not a reason to take
/// the service out of its Service or restart it; <c>/health</c> answers a degraded report with 200.
/// </summary>
internal sealed class DeadLetterHealthCheck(DeadLetterMonitor monitor) : IHealthCheck
{
    public const string Name = "dead-letters";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var depths = monitor.Depths;
        var waiting = monitor.Queues
            .Where(queue => depths.TryGetValue(queue, out var depth) && depth > 0)
            .Select(queue => $"{Topology.DeadLetterQueue(queue)}: {depths[queue]}")
            .ToList();
        var data = depths.ToDictionary(depth => depth.Key, depth => (object)depth.Value);
        if (waiting.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Degraded($"dead letters waiting to be redriven: {string.Join(", ", waiting)}", data: data));
        }

        var uncounted = monitor.Queues.Where(queue => !depths.ContainsKey(queue)).ToList();
        return Task.FromResult(HealthCheckResult.Healthy(
            uncounted.Count == 0 ? "no dead letters" : $"no dead letters counted; not counted yet: {string.Join(", ", uncounted)}",
            data));
    }
}
