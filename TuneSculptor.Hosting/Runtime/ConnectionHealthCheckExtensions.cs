using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TuneSculptor.Hosting.Runtime;

public static class ConnectionHealthCheckExtensions
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Marks the resource healthy only when <paramref name="probe"/> succeeds against its live connection string:
    /// a real protocol exchange ("accepts connections"), not a listening port.
    /// </summary>
    public static IResourceBuilder<T> WithConnectionHealthCheck<T>(
        this IResourceBuilder<T> builder, Func<string, CancellationToken, Task> probe)
        where T : IResourceWithConnectionString
    {
        var key = $"{builder.Resource.Name}_check";
        var resource = builder.Resource;
        builder.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            key, _ => new ConnectionHealthCheck(resource, probe), failureStatus: null, tags: null, timeout: CheckTimeout));
        return builder.WithHealthCheck(key);
    }

    private sealed class ConnectionHealthCheck(IResourceWithConnectionString resource, Func<string, CancellationToken, Task> probe)
        : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var connectionString = await resource.GetConnectionStringAsync(cancellationToken)
                    ?? throw new InvalidOperationException($"'{resource.Name}' has no connection string yet.");
                await probe(connectionString, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, ex.Message, ex);
            }
        }
    }
}
