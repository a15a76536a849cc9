using System.Text;

namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>
/// A kustomization.yaml (a Kustomization or a Component) as the publisher writes them: resources, components, name
/// references kustomize does not know, JSON patches of generated objects, and Secrets generated from deploy-time files.
/// </summary>
internal sealed class KustomizationFile(string kind, string? ns)
{
    private readonly List<string> _resources = [];
    private readonly List<string> _components = [];
    private readonly List<string> _configurations = [];
    private readonly List<(string Kind, string Name, IReadOnlyList<JsonPatchOperation> Operations)> _patches = [];
    private readonly List<(string Name, string? Type, IReadOnlyList<(string Key, string File)> Files, IReadOnlyDictionary<string, string> Labels)> _secrets = [];

    public static KustomizationFile Kustomization(string ns) => new("Kustomization", ns);

    public static KustomizationFile Component() => new("Component", null);

    public KustomizationFile Resources(IEnumerable<string> paths)
    {
        _resources.AddRange(paths);
        return this;
    }

    public KustomizationFile Components(IEnumerable<string> paths)
    {
        _components.AddRange(paths);
        return this;
    }

    /// <summary>A transformer configuration file (e.g. name references in a custom resource).</summary>
    public KustomizationFile Configuration(string path)
    {
        _configurations.Add(path);
        return this;
    }

    /// <summary>Removes the field at <paramref name="path"/> (a JSON pointer) from the object <paramref name="kind"/>/<paramref name="name"/>.</summary>
    public KustomizationFile RemoveField(string kind, string name, string path) => Patch(kind, name, [JsonPatchOperation.Remove(path)]);

    /// <summary>Applies <paramref name="operations"/> (a JSON patch) to the object <paramref name="kind"/>/<paramref name="name"/>.</summary>
    public KustomizationFile Patch(string kind, string name, IReadOnlyList<JsonPatchOperation> operations)
    {
        _patches.Add((kind, name, operations));
        return this;
    }

    /// <summary>
    /// A Secret from files made at deploy time. Its name gets a hash of the content, and kustomize rewrites every
    /// reference to it, so a changed value is a changed pod template: the pods that read it restart.
    /// <paramref name="type"/> is the Secret's type when not Opaque (e.g. <c>kubernetes.io/tls</c>).
    /// </summary>
    public KustomizationFile Secret(string name, IReadOnlyList<(string Key, string File)> files, IReadOnlyDictionary<string, string> labels, string? type = null)
    {
        _secrets.Add((name, type, files, labels));
        return this;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("# Generated from the AppHost's model by eng/publish-kubernetes.sh: do not edit.\n");
        text.Append(kind == "Component" ? "apiVersion: kustomize.config.k8s.io/v1alpha1\n" : "apiVersion: kustomize.config.k8s.io/v1beta1\n");
        text.Append($"kind: {kind}\n");
        if (ns is not null)
        {
            text.Append($"namespace: {ns}\n");
        }

        AppendList(text, "resources", _resources);
        AppendList(text, "components", _components);
        AppendList(text, "configurations", _configurations);
        if (_patches.Count > 0)
        {
            text.Append("patches:\n");
            foreach (var (targetKind, name, operations) in _patches)
            {
                text.Append($"- target:\n    kind: {targetKind}\n    name: {name}\n  patch: |-\n");
                foreach (var operation in operations)
                {
                    text.Append(operation.ToYaml("    "));
                }
            }
        }

        if (_secrets.Count > 0)
        {
            text.Append("secretGenerator:\n");
            foreach (var (name, type, files, labels) in _secrets)
            {
                text.Append($"- name: {name}\n");
                if (type is not null)
                {
                    text.Append($"  type: {type}\n");
                }

                text.Append("  files:\n");
                foreach (var (key, file) in files)
                {
                    text.Append($"  - {key}={file}\n");
                }

                text.Append("  options:\n    labels:\n");
                foreach (var (label, value) in labels)
                {
                    text.Append($"      {label}: \"{value}\"\n");
                }
            }
        }

        return text.ToString();
    }

    private static void AppendList(StringBuilder text, string name, List<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        text.Append($"{name}:\n");
        foreach (var item in items)
        {
            text.Append($"- {item}\n");
        }
    }
}
