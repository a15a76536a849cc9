using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.Pipeline;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Telemetry;

/// <summary>
/// What the services export over OTLP, as the Aspire dashboard receives it: one trace per upload across all three
/// services, and the pipeline's metrics.
/// </summary>
[Collection(typeof(SystemCollection))]
public sealed class TraceTests(SystemFixture fixture) : IDisposable
{
    private const string JobIdTag = "tunesculptor.job.id";
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Every span of an upload's trace, from the request to the mail.</summary>
    private static readonly string[] ExpectedSpans =
        ["POST /upload", "publish video", "deliver video", "ffmpeg encode", "publish mp3", "deliver mp3", "smtp send"];

    private readonly GatewayClient _gateway = new(fixture.System.GetHttpEndpoint("gateway"), mail: fixture.System.GetHttpEndpoint("mail"));
    private readonly MailBox _mail = new(fixture.System.GetHttpEndpoint("mail"));
    private readonly MediaSamples _media = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private OtlpReceiver Telemetry => fixture.Telemetry;

    [Fact]
    public async Task An_upload_is_one_trace_from_the_request_through_ffmpeg_to_the_mail()
    {
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        var jobId = await _gateway.UploadForJobAsync(token, await _media.VideoAsync("mp4"), Cancellation);
        var job = await _gateway.WaitForJobAsync(token, jobId, JobTimeout, Cancellation);
        Assert.True(job.GetProperty("status").GetString() == "done", job.ToString());
        await _mail.WaitForMailAsync(email, JobTimeout, Cancellation);

        // Each service exports its spans in its own batches, and a span is exported only once it has ended (the
        // converter's "deliver video" ends after the mail's "deliver mp3" may have left): wait for every span this
        // test looks at, in the trace of the job's ffmpeg run, not for the one expected last.
        var jobSpans = await Telemetry.WaitForAsync(
            receiver => receiver.Spans.Where(span => span.Attribute(JobIdTag) == jobId).ToList() is var spans
                        && spans.FirstOrDefault(span => span.Name == "ffmpeg encode") is { } encoding
                        && receiver.Spans.Where(span => span.TraceId == encoding.TraceId).Select(span => span.Name).ToHashSet() is var names
                        && ExpectedSpans.All(names.Contains) ? spans : null,
            ExportTimeout, $"spans of job {jobId} ({string.Join(", ", ExpectedSpans)})", Cancellation);
        Assert.Empty(Telemetry.Errors);

        Log($"job {jobId}:\n  {string.Join("\n  ", jobSpans)}");
        var encode = Assert.Single(jobSpans, span => span.Name == "ffmpeg encode");
        var mailing = Assert.Single(jobSpans, span => span.Name == "smtp send");
        AssertSpan(encode, "converter", "ffmpeg encode", OtlpSpanKind.Internal);
        AssertSpan(mailing, "notification", "smtp send", OtlpSpanKind.Client);
        Assert.True(mailing.TraceId == encode.TraceId, $"smtp send is in trace {mailing.TraceId}, ffmpeg encode in {encode.TraceId}");

        // The request that started it all is in the same trace, and names the job too.
        var trace = Telemetry.Spans.Where(span => span.TraceId == encode.TraceId).ToDictionary(span => span.SpanId);
        Log($"trace {encode.TraceId}:\n  {string.Join("\n  ", trace.Values)}");
        var upload = Assert.Single(trace.Values, span => span.Service == "gateway" && span.Kind == OtlpSpanKind.Server);
        AssertSpan(upload, "gateway", "POST /upload", OtlpSpanKind.Server);
        Assert.Equal(jobId, upload.Attribute(JobIdTag));

        // gateway → video queue → converter: RabbitMQ.Client's publish and deliver spans, the second a child of the
        // first through the message's traceparent header, and the ffmpeg run inside the delivery.
        var conversion = ConsumerAbove(encode, trace);
        AssertSpan(conversion, "converter", "deliver video", OtlpSpanKind.Consumer);
        Assert.Equal(jobId, conversion.Attribute(JobIdTag));
        var videoPublish = ParentOf(conversion, trace);
        AssertSpan(videoPublish, "gateway", "publish video", OtlpSpanKind.Producer);
        Assert.Equal(("RabbitMQ.Client.Publisher", "RabbitMQ.Client.Subscriber"), (videoPublish.Scope, conversion.Scope));
        Assert.Contains(upload, Ancestors(videoPublish, trace));

        // converter → mp3 queue → notification: published inside the conversion's delivery, mailed inside its own.
        var notification = ConsumerAbove(mailing, trace);
        AssertSpan(notification, "notification", "deliver mp3", OtlpSpanKind.Consumer);
        Assert.Equal(jobId, notification.Attribute(JobIdTag));
        var mp3Publish = ParentOf(notification, trace);
        AssertSpan(mp3Publish, "converter", "publish mp3", OtlpSpanKind.Producer);
        Assert.Contains(conversion, Ancestors(mp3Publish, trace));
    }

    [Fact]
    public async Task The_pipeline_metrics_arrive_with_their_units()
    {
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        var jobId = await _gateway.UploadForJobAsync(token, await _media.VideoAsync("mp4"), Cancellation);
        await _gateway.WaitForJobAsync(token, jobId, JobTimeout, Cancellation);
        await _mail.WaitForMailAsync(email, JobTimeout, Cancellation);

        (string Service, string Metric, string Unit)[] expected =
        [
            ("gateway", "tunesculptor.upload.size", "By"),
            ("converter", "tunesculptor.conversion.duration", "s"),
            ("converter", "tunesculptor.mp3.size", "By"),
            ("converter", "tunesculptor.queue.wait.duration", "s"),
            ("notification", "tunesculptor.queue.wait.duration", "s"),
            ("converter", "tunesculptor.messaging.dead_letters", "{message}"),
            ("notification", "tunesculptor.messaging.dead_letters", "{message}"),
        ];
        var missing = expected;
        try
        {
            await Telemetry.WaitForAsync(
                receiver => (missing = [.. expected.Where(e => !receiver.Metrics.Contains(new OtlpMetric(e.Service, Scope(e.Metric), e.Metric, e.Unit)))])
                    .Length == 0 ? receiver : null,
                ExportTimeout, "pipeline metrics", Cancellation);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Missing: {string.Join(", ", missing)}; received: {string.Join(", ", Telemetry.Metrics.Where(m => m.Name.StartsWith("tunesculptor.", StringComparison.Ordinal)))}");
        }

        Assert.Empty(Telemetry.Errors);
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _mail.Dispose();
        _media.Dispose();
    }

    /// <summary>The meter a metric comes from: the queues' in the messaging library, the others in their service.</summary>
    private static string Scope(string metric) => metric switch
    {
        "tunesculptor.queue.wait.duration" or "tunesculptor.messaging.dead_letters" => "TuneSculptor.Messaging",
        "tunesculptor.upload.size" => "TuneSculptor.Gateway",
        _ => "TuneSculptor.Converter",
    };

    private static void AssertSpan(OtlpSpan span, string service, string name, OtlpSpanKind kind)
    {
        Assert.True(span.Service == service && span.Name == name && span.Kind == kind,
            $"expected {service}: {kind} '{name}', got {span}");
    }

    private static OtlpSpan ParentOf(OtlpSpan span, Dictionary<string, OtlpSpan> trace)
    {
        Assert.True(span.ParentSpanId is not null && trace.ContainsKey(span.ParentSpanId), $"the parent of {span} is not in its trace");
        return trace[span.ParentSpanId];
    }

    /// <summary>The parent, grandparent, … of a span, as far as they are in the trace.</summary>
    private static List<OtlpSpan> Ancestors(OtlpSpan span, Dictionary<string, OtlpSpan> trace)
    {
        var ancestors = new List<OtlpSpan>();
        while (span.ParentSpanId is { } parentId && trace.TryGetValue(parentId, out var parent))
        {
            ancestors.Add(parent);
            span = parent;
        }

        return ancestors;
    }

    /// <summary>The nearest consumer span above <paramref name="span"/>: the message handling it is part of.</summary>
    private static OtlpSpan ConsumerAbove(OtlpSpan span, Dictionary<string, OtlpSpan> trace)
    {
        var consumer = Ancestors(span, trace).FirstOrDefault(ancestor => ancestor.Kind == OtlpSpanKind.Consumer);
        Assert.True(consumer is not null, $"no consumer span above {span}; ancestors: {string.Join(" ← ", Ancestors(span, trace))}");
        return consumer;
    }

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
