using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using TuneSculptor.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Cross-cutting defaults every TuneSculptor service shares: telemetry, health endpoints, service discovery and
/// resilient HttpClients.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Tag of the checks that say the process itself is alive (liveness).</summary>
    public const string LiveTag = "live";

    /// <summary>How a failed check of a shared dependency is reported: visible, but the service stays ready.</summary>
    public const HealthStatus DependencyFailureStatus = HealthStatus.Degraded;

    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.AddProblemDetailsForErrors();
        return builder;
    }

    /// <summary>
    /// Every error answer is an RFC 9457 problem: status pages and unhandled exceptions alike, without stack traces.
    /// A request the framework could not read (malformed JSON, say) is the client's 400, with the reason.
    /// </summary>
    /// <remarks>
    /// The API speaks snake_case, like its message contracts (job_id, mp3_fid, …), in every service: the gateway
    /// passes auth's answers through, so a problem names its trace <c>trace_id</c> whichever service wrote it.
    /// </remarks>
    public static TBuilder AddProblemDetailsForErrors<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            // Numbers are numbers: the web defaults also read "42" as 42, which no client of ours sends, and which
            // would make the OpenAPI document say every number may come as a string.
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            if (context.Exception is BadHttpRequestException badRequest)
            {
                context.ProblemDetails.Detail = badRequest.Message;
            }
        });
        builder.Services.Configure<ExceptionHandlerOptions>(options =>
            options.StatusCodeSelector = exception => exception is BadHttpRequestException badRequest
                ? badRequest.StatusCode
                : StatusCodes.Status500InternalServerError);
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        // The service's own spans and measurements (ServiceTelemetry) go to the source and meter named after it; each
        // library a service adds (messaging, storage, its database) adds the sources and meters of its drivers.
        var serviceName = builder.Environment.ApplicationName;
        builder.Services.TryAddSingleton<ServiceTelemetry>();
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(serviceName))
            .WithTracing(tracing => tracing
                .AddSource(serviceName)
                .AddAspNetCoreInstrumentation(options =>
                    // Probes run every few seconds; their spans would drown the real traffic.
                    options.Filter = context => !IsHealthPath(context.Request.Path))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // With Aspire's in-memory retry on, shutdown waits for exports in flight up to this timeout (default
            // 10 s): a service then needs ~12 s to stop when the collector is gone, more than Aspire's stop command
            // waits. Exports to a local collector take milliseconds; 2 s is plenty and keeps shutdown to seconds.
            builder.Configuration["OTEL_EXPORTER_OTLP_TIMEOUT"] ??= "2000";
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Adds a check of a shared dependency (a database, the broker, another service, the mail server): part of
    /// <c>/health</c>'s detail, healthy with the description <paramref name="check"/> returns, and
    /// <see cref="HealthStatus.Degraded"/> when it throws or takes longer than <paramref name="timeout"/> (default 5 s).
    /// </summary>
    /// <remarks>
    /// Degraded, not unhealthy: a service stays ready while a shared dependency is down, because taking every replica
    /// out of its Service would turn the requests that need nothing of it (a login while RabbitMQ is down) into the
    /// ingress's error page. Requests that need the dependency answer 503 themselves.
    /// </remarks>
    public static TBuilder AddDependencyCheck<TBuilder>(
        this TBuilder builder, string name, Func<IServiceProvider, CancellationToken, Task<string>> check, TimeSpan? timeout = null)
        where TBuilder : IHostApplicationBuilder =>
        builder.AddFunctionCheck(name, check, DependencyFailureStatus, timeout);

    /// <summary>
    /// Adds a readiness check of what the service itself needs to serve anything (its schema, its tools): the service
    /// is not ready (<c>/health</c> answers 503) while it throws or takes longer than <paramref name="timeout"/>.
    /// </summary>
    public static TBuilder AddReadinessCheck<TBuilder>(
        this TBuilder builder, string name, Func<IServiceProvider, CancellationToken, Task<string>> check, TimeSpan? timeout = null)
        where TBuilder : IHostApplicationBuilder =>
        builder.AddFunctionCheck(name, check, HealthStatus.Unhealthy, timeout);

    /// <summary>
    /// Adds a readiness check of start-up work running in the background (the <paramref name="completion"/> of the
    /// service <typeparamref name="TWork"/>): not ready while it runs (<paramref name="pending"/> says so) or after it
    /// failed (with why); ready, described by <paramref name="done"/>, once it has completed.
    /// </summary>
    public static IHostApplicationBuilder AddStartupWorkCheck<TWork>(
        this IHostApplicationBuilder builder, string name, Func<TWork, Task> completion, string pending, string done)
        where TWork : notnull =>
        builder.AddReadinessCheck(name, async (services, _) =>
        {
            var work = completion(services.GetRequiredService<TWork>());
            if (!work.IsCompleted)
            {
                throw new InvalidOperationException(pending);
            }

            await work; // rethrows why the work failed, if it did
            return done;
        });

    private static TBuilder AddFunctionCheck<TBuilder>(
        this TBuilder builder, string name, Func<IServiceProvider, CancellationToken, Task<string>> check, HealthStatus failureStatus, TimeSpan? timeout)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            name, services => new DependencyCheck(services, check), failureStatus, tags: null, timeout ?? TimeSpan.FromSeconds(5)));
        return builder;
    }

    /// <summary>A connection string the AppHost wires with <c>WithReference</c> (or deployment configuration sets).</summary>
    public static string GetRequiredConnectionString(this IHostApplicationBuilder builder, string name) =>
        builder.Configuration.GetConnectionString(name)
        ?? throw new InvalidOperationException($"Connection string '{name}' is missing: the AppHost wires it with WithReference.");

    /// <summary>
    /// Maps <c>/alive</c> (liveness: the process answers) and <c>/health</c> (readiness: 200 while the service can
    /// serve with its own resources, 503 otherwise; each check's status in the body) in every environment, because
    /// Kubernetes probes need them in production too.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        var detailed = app.Environment.IsDevelopment();
        // Probes carry no token: anonymous even where a service requires one everywhere else. A degraded report (a
        // shared dependency down) stays 200, ready, stated here because readiness depends on it.
        app.MapHealthChecks(HealthPath, new HealthCheckOptions
        {
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = (context, report) => WriteReport(context, report, detailed),
        }).AllowAnonymous();
        app.MapHealthChecks(AlivePath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = (context, report) => WriteReport(context, report, detailed),
        }).AllowAnonymous();
        return app;
    }

    private static bool IsHealthPath(PathString path) =>
        path.StartsWithSegments(HealthPath) || path.StartsWithSegments(AlivePath);

    // The report names each check and its status so operators (and tests) see which dependency failed; failure
    // descriptions can carry host names, so they are only shown in Development.
    private static Task WriteReport(HttpContext context, HealthReport report, bool detailed)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new HealthResponse(
            report.Status.ToString(),
            report.Entries.Select(entry => new HealthCheckEntry(
                entry.Key,
                entry.Value.Status.ToString(),
                Math.Round(entry.Value.Duration.TotalMilliseconds, 1),
                detailed ? entry.Value.Description ?? entry.Value.Exception?.Message : null)).ToArray());
        return JsonSerializer.SerializeAsync(context.Response.Body, body, HealthJson.Options, context.RequestAborted);
    }

    private sealed class DependencyCheck(IServiceProvider services, Func<IServiceProvider, CancellationToken, Task<string>> check) : IHealthCheck
    {
        // The health check service turns an exception into the registration's failure status, with its message.
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            HealthCheckResult.Healthy(await check(services, cancellationToken));
    }

    private sealed record HealthResponse(string Status, HealthCheckEntry[] Checks);

    private sealed record HealthCheckEntry(string Name, string Status, double DurationMs, string? Description);

    private static class HealthJson
    {
        public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        };
    }
}
