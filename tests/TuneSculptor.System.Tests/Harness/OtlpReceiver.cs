using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TuneSculptor.System.Tests.Harness;

/// <summary>
/// A collector for the services' telemetry: OTLP/HTTP with protobuf bodies (<c>POST /v1/traces</c>,
/// <c>/v1/metrics</c>; logs are accepted and dropped) on a free loopback port. Point a service at it with
/// <see cref="ServiceEnvironment"/>.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    // Every test of the shared system exports here; keep the newest spans only, far more than one test makes.
    private const int MaxSpans = 200_000;

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpSpan> _spans = new();
    private readonly ConcurrentDictionary<OtlpMetric, bool> _metrics = new();
    private readonly ConcurrentQueue<string> _errors = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Requests that could not be read; a test should expect none.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    public IReadOnlyList<OtlpSpan> Spans => [.. _spans];

    public IReadOnlyCollection<OtlpMetric> Metrics => [.. _metrics.Keys];

    public static async Task<OtlpReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", context => receiver.AcceptAsync(context, body =>
        {
            foreach (var span in OtlpDecoder.Traces(body))
            {
                receiver._spans.Enqueue(span);
            }

            while (receiver._spans.Count > MaxSpans && receiver._spans.TryDequeue(out _))
            {
            }
        }));
        app.MapPost("/v1/metrics", context => receiver.AcceptAsync(context, body =>
        {
            foreach (var metric in OtlpDecoder.Metrics(body))
            {
                receiver._metrics.TryAdd(metric, true);
            }
        }));
        app.MapPost("/v1/logs", context => receiver.AcceptAsync(context, _ => { }));

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver.Endpoint = new Uri(address);
        return receiver;
    }

    /// <summary>
    /// The variables that send a service's telemetry here, quickly: spans in batches every 200 ms, metrics every
    /// second (Aspire's development defaults are 1 s for both, pointing at the dashboard).
    /// </summary>
    public IReadOnlyDictionary<string, string> ServiceEnvironment => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
    };

    /// <summary>Polls until <paramref name="found"/> returns a value, or throws after <paramref name="timeout"/>.</summary>
    public async Task<T> WaitForAsync<T>(Func<OtlpReceiver, T?> found, TimeSpan timeout, string what, CancellationToken cancellationToken)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (found(this) is { } result)
            {
                return result;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No {what} within {timeout.TotalSeconds:0} s; errors: {string.Join("; ", _errors)}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AcceptAsync(HttpContext context, Action<byte[]> read)
    {
        using var body = new MemoryStream();
        await using var gzip = context.Request.Headers.ContentEncoding == "gzip"
            ? new GZipStream(context.Request.Body, CompressionMode.Decompress)
            : null;
        await (gzip ?? context.Request.Body).CopyToAsync(body, context.RequestAborted);
        try
        {
            read(body.ToArray());
        }
        catch (Exception ex) when (ex is FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            _errors.Enqueue($"{context.Request.Path}: {ex.Message}");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        // An empty Export*ServiceResponse: everything accepted.
        context.Response.ContentType = "application/x-protobuf";
        context.Response.StatusCode = StatusCodes.Status200OK;
    }
}
