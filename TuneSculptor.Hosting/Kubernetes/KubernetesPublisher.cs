using System.Text;
using k8s;
using k8s.Models;

namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>
/// Writes the model as a kustomize tree:
/// <code>
/// base/                 namespace, backing services, our services, ingress
/// components/mail/      the development mail server (optional)
/// components/keda/      queue-driven scaling of the converter (optional)
/// overlays/minikube/    base + mail + Secrets generated from files made at deploy time (never committed)
/// overlays/minikube-keda/  the same, scaled by KEDA
/// </code>
/// Output is deterministic (ordered, no timestamps), so the checked-in copy can be compared with a fresh one.
/// </summary>
internal sealed class KubernetesPublisher(DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext, KubernetesEnvironment cluster)
{
    public const string SecretsFolder = "secrets";

    public async Task<IReadOnlyDictionary<string, string>> RenderAsync(CancellationToken cancellationToken)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        // The servers, by the Kubernetes form their kind's builder attached.
        var backing = model.Resources
            .Select(r => (Resource: r, Annotation: r.Annotations.OfType<KubernetesFormAnnotation>().LastOrDefault()))
            .Where(r => r.Annotation is not null)
            .ToDictionary(r => r.Resource, r => r.Annotation!.Form);
        var renderer = new EnvironmentRenderer(cluster, backing);
        var secrets = new SortedSet<SecretValue>(Comparer<SecretValue>.Create((a, b) =>
            string.CompareOrdinal($"{a.SecretName}/{a.Key}", $"{b.SecretName}/{b.Key}")));

        var baseResources = new List<string> { "namespace.yaml" };
        files["base/namespace.yaml"] = Yaml(new V1Namespace
        {
            ApiVersion = "v1",
            Kind = "Namespace",
            Metadata = new V1ObjectMeta { Name = cluster.Namespace },
        });

        var components = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (resource, service) in backing.OrderBy(s => s.Key.Name, StringComparer.Ordinal))
        {
            var objects = service.Objects().ToList();
            secrets.UnionWith(service.OwnSecrets());
            var file = $"{resource.Name}.yaml";
            if (service.Component is { } component)
            {
                files[$"components/{component}/{file}"] = Yaml(objects);
                components[component] = [file];
            }
            else
            {
                files[$"base/{file}"] = Yaml(objects);
                baseResources.Add(file);
            }
        }

        foreach (var project in model.Resources.OfType<ProjectResource>().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var environment = await renderer.RenderAsync(project, executionContext, cancellationToken);
            secrets.UnionWith(environment.SelectMany(e => e.Value.Secrets));
            files[$"base/{project.Name}.yaml"] = Yaml(ServiceWorkloads.Create(project, environment, cluster));
            baseResources.Add($"{project.Name}.yaml");
        }

        files["base/ingress.yaml"] = Yaml(EdgeObjects.Ingress(cluster, (name, endpoint) =>
            model.Resources.Single(r => r.Name == name) is var resource && backing.TryGetValue(resource, out var service)
                ? service.Port(endpoint)
                : cluster.ServicePort));
        baseResources.Add("ingress.yaml");
        files["base/kustomization.yaml"] = Kustomization("Kustomization", cluster.Namespace, baseResources);

        foreach (var (component, resources) in components)
        {
            files[$"components/{component}/kustomization.yaml"] = Kustomization("Component", null, resources);
        }

        if (cluster.QueueScaling is { } scaling)
        {
            files["components/keda/scaling.yaml"] = Yaml(EdgeObjects.QueueScaler(scaling));
            files["components/keda/kustomization.yaml"] = Kustomization("Component", null, ["scaling.yaml"]);
            secrets.Add(EdgeObjects.KedaHost);
        }

        files["overlays/minikube/kustomization.yaml"] = Kustomization("Kustomization", cluster.Namespace, ["../../base"],
            components.Keys.Select(c => $"../../components/{c}"), secrets);
        if (cluster.QueueScaling is not null)
        {
            files["overlays/minikube-keda/kustomization.yaml"] = Kustomization("Kustomization", cluster.Namespace, ["../minikube"],
                ["../../components/keda"]);
        }

        return files;
    }

    private static string Yaml(IKubernetesObject single) => Yaml([single]);

    private static string Yaml(IEnumerable<IKubernetesObject> objects)
    {
        var text = new StringBuilder();
        foreach (var item in objects)
        {
            if (text.Length > 0)
            {
                text.Append("---\n");
            }

            text.Append(KubernetesYaml.Serialize(item).ReplaceLineEndings("\n"));
            if (text[^1] != '\n')
            {
                text.Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Kustomization(
        string kind, string? ns, IEnumerable<string> resources, IEnumerable<string>? components = null, IEnumerable<SecretValue>? secrets = null)
    {
        var text = new StringBuilder();
        text.Append("# Generated from the AppHost's model by eng/publish-kubernetes.sh: do not edit.\n");
        text.Append(kind == "Component" ? "apiVersion: kustomize.config.k8s.io/v1alpha1\n" : "apiVersion: kustomize.config.k8s.io/v1beta1\n");
        text.Append($"kind: {kind}\n");
        if (ns is not null)
        {
            text.Append($"namespace: {ns}\n");
        }

        AppendList(text, "resources", resources);
        AppendList(text, "components", components ?? []);
        var bySecret = (secrets ?? []).GroupBy(s => s.SecretName).ToList();
        if (bySecret.Count > 0)
        {
            // Made at deploy time by deploy/make-secrets.sh; stable names so that KEDA's reference holds.
            text.Append("generatorOptions:\n  disableNameSuffixHash: true\n");
            text.Append("secretGenerator:\n");
            foreach (var secret in bySecret)
            {
                text.Append($"- name: {secret.Key}\n  files:\n");
                foreach (var value in secret)
                {
                    text.Append($"  - {value.Key}={SecretsFolder}/{value.SecretName}/{value.Key}\n");
                }
            }
        }

        return text.ToString();
    }

    private static void AppendList(StringBuilder text, string name, IEnumerable<string> items)
    {
        var list = items.ToList();
        if (list.Count == 0)
        {
            return;
        }

        text.Append($"{name}:\n");
        foreach (var item in list)
        {
            text.Append($"- {item}\n");
        }
    }
}
