using System.Text.Json;

namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>
/// One operation of a JSON patch (RFC 6902) as kustomize applies it to a generated object. <c>replace</c> and
/// <c>remove</c> fail the build when the path is missing, so a patch that no longer fits the base is noticed.
/// </summary>
internal sealed record JsonPatchOperation(string Op, string Path, object? Value)
{
    public static JsonPatchOperation Add(string path, object value) => new("add", path, value);

    public static JsonPatchOperation Replace(string path, object value) => new("replace", path, value);

    public static JsonPatchOperation Remove(string path) => new("remove", path, null);

    /// <summary>A JSON pointer to <paramref name="tokens"/>, escaping the <c>~</c> and <c>/</c> of annotation keys.</summary>
    public static string Pointer(params string[] tokens) =>
        string.Concat(tokens.Select(t => "/" + t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));

    /// <summary>The operation as an item of the YAML list kustomize reads; the value is written as JSON, which YAML reads as is.</summary>
    public string ToYaml(string indent) =>
        $"{indent}- op: {Op}\n{indent}  path: {Path}\n" + (Value is null ? string.Empty : $"{indent}  value: {JsonSerializer.Serialize(Value)}\n");
}
