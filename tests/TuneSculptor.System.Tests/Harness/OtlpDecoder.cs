using System.Globalization;
using System.Text;

namespace TuneSculptor.System.Tests.Harness;

public enum OtlpSpanKind
{
    Unspecified,
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

/// <summary>A span as exported; ids in lower-case hex, attribute values as text.</summary>
public sealed record OtlpSpan(
    string Service,
    string Scope,
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    OtlpSpanKind Kind,
    IReadOnlyDictionary<string, string> Attributes)
{
    public string? Attribute(string key) => Attributes.GetValueOrDefault(key);

    public override string ToString() => $"{Service}: {Kind} '{Name}' {TraceId}/{SpanId} parent {ParentSpanId ?? "none"}";
}

/// <summary>A metric name as one service exported it.</summary>
public sealed record OtlpMetric(string Service, string Scope, string Name, string Unit);

/// <summary>
/// Reads what the tests need of OTLP/protobuf requests (opentelemetry-proto, collector/*/v1 and trace|metrics/v1):
/// <code>
/// ExportTraceServiceRequest   { repeated ResourceSpans resource_spans = 1; }
/// ResourceSpans               { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
/// Resource                    { repeated KeyValue attributes = 1; }
/// ScopeSpans                  { InstrumentationScope scope = 1; repeated Span spans = 2; }
/// InstrumentationScope        { string name = 1; }
/// Span                        { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5;
///                               SpanKind kind = 6; repeated KeyValue attributes = 9; }
/// KeyValue                    { string key = 1; AnyValue value = 2; }
/// AnyValue                    { oneof { string string_value = 1; bool bool_value = 2; int64 int_value = 3;
///                               double double_value = 4; … } }
/// ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
/// ResourceMetrics             { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; }
/// ScopeMetrics                { InstrumentationScope scope = 1; repeated Metric metrics = 2; }
/// Metric                      { string name = 1; string description = 2; string unit = 3; … }
/// </code>
/// Every other field is skipped.
/// </summary>
public static class OtlpDecoder
{
    public static List<OtlpSpan> Traces(ReadOnlySpan<byte> request) => Items(request, Span);

    public static List<OtlpMetric> Metrics(ReadOnlySpan<byte> request) => Items(request, Metric);

    /// <summary>Decodes one span or metric, knowing the service and the scope it came from.</summary>
    private delegate T ItemDecoder<out T>(ReadOnlySpan<byte> item, string service, string scope);

    /// <summary>
    /// Traces and metrics nest alike: resource entries (field 1) hold scope entries (field 2), which hold the items
    /// (field 2).
    /// </summary>
    private static List<T> Items<T>(ReadOnlySpan<byte> request, ItemDecoder<T> decode)
    {
        var items = new List<T>();
        ProtoReader.ForEach(request, 1, resource =>
        {
            // The resource may come after its scopes on the wire: find it first.
            var service = ServiceName(resource);
            ProtoReader.ForEach(resource, 2, scoped =>
            {
                var scope = ScopeName(scoped);
                ProtoReader.ForEach(scoped, 2, item => items.Add(decode(item, service, scope)));
            });
        });
        return items;
    }

    private static OtlpSpan Span(ReadOnlySpan<byte> message, string service, string scope)
    {
        string traceId = "", spanId = "", name = "";
        string? parentSpanId = null;
        var kind = OtlpSpanKind.Unspecified;
        var attributes = new Dictionary<string, string>();
        var reader = new ProtoReader(message);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: traceId = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case 2: spanId = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case 4:
                    var parent = reader.ReadBytes();
                    parentSpanId = parent.IsEmpty ? null : Convert.ToHexStringLower(parent);
                    break;
                case 5: name = reader.ReadString(); break;
                case 6: kind = (OtlpSpanKind)reader.ReadVarint(); break;
                case 9: KeyValue(reader.ReadBytes(), attributes); break;
                default: reader.Skip(); break;
            }
        }

        return new OtlpSpan(service, scope, traceId, spanId, parentSpanId, name, kind, attributes);
    }

    private static OtlpMetric Metric(ReadOnlySpan<byte> message, string service, string scope)
    {
        string name = "", unit = "";
        var reader = new ProtoReader(message);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: name = reader.ReadString(); break;
                case 3: unit = reader.ReadString(); break;
                default: reader.Skip(); break;
            }
        }

        return new OtlpMetric(service, scope, name, unit);
    }

    /// <summary>The <c>service.name</c> attribute of the message's resource (field 1 of ResourceSpans and ResourceMetrics).</summary>
    private static string ServiceName(ReadOnlySpan<byte> message)
    {
        var attributes = new Dictionary<string, string>();
        ProtoReader.ForEach(message, 1, resource => ProtoReader.ForEach(resource, 1, attribute => KeyValue(attribute, attributes)));
        return attributes.GetValueOrDefault("service.name", "");
    }

    /// <summary>The instrumentation scope's name (field 1 of ScopeSpans and ScopeMetrics): the ActivitySource or Meter.</summary>
    private static string ScopeName(ReadOnlySpan<byte> message)
    {
        var name = "";
        ProtoReader.ForEach(message, 1, scope => ProtoReader.ForEach(scope, 1, value => name = Encoding.UTF8.GetString(value)));
        return name;
    }

    private static void KeyValue(ReadOnlySpan<byte> message, Dictionary<string, string> into)
    {
        string key = "", value = "";
        var reader = new ProtoReader(message);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: key = reader.ReadString(); break;
                case 2: value = AnyValue(reader.ReadBytes()); break;
                default: reader.Skip(); break;
            }
        }

        into[key] = value;
    }

    private static string AnyValue(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoReader(message);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: return reader.ReadString();
                case 2: return reader.ReadVarint() != 0 ? "true" : "false";
                case 3: return ((long)reader.ReadVarint()).ToString(CultureInfo.InvariantCulture);
                case 4: return reader.ReadDouble().ToString(CultureInfo.InvariantCulture);
                default: reader.Skip(); break;
            }
        }

        return "";
    }
}
