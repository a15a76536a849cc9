using System.Text;
using k8s;

namespace TuneSculptor.Testing;

/// <summary>One object of a rendered overlay: its YAML, and the typed model for the kinds the client knows.</summary>
public sealed record RenderedObject(string ApiVersion, string Kind, string Name, string Yaml)
{
    public T As<T>() => KubernetesYaml.Deserialize<T>(Yaml);

    public static IReadOnlyList<RenderedObject> Split(string yaml) =>
        yaml.Split("\n---\n")
            .Where(document => !string.IsNullOrWhiteSpace(document))
            .Select(document =>
            {
                var head = KubernetesYaml.Deserialize<ObjectHead>(document);
                return new RenderedObject(head.ApiVersion, head.Kind, head.Metadata.Name, document.TrimEnd() + "\n");
            })
            .ToList();

    public static string Join(IEnumerable<RenderedObject> objects) =>
        new StringBuilder().AppendJoin("---\n", objects.Select(o => o.Yaml)).ToString();
}
