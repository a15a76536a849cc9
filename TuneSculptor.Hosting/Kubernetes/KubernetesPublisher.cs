using System.Text;
using k8s;
using k8s.Models;

namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>
/// Writes the model as a kustomize tree:
/// <code>
/// base/                 namespace, backing services, our services, ingress
/// components/mail/      the development mail server (optional)
/// components/tls/       HTTPS at the ingress, plain HTTP redirected (optional; see HttpsComponent)
/// components/keda/      queue-driven scaling of the converter (optional)
/// overlays/minikube/    base + mail + tls + Secrets generated from files made at deploy time (never committed)
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
            Metadata = new V1ObjectMeta { Name = cluster.Namespace, Labels = KubernetesObjects.Labels(cluster.Namespace, "namespace", cluster.ImageTag) },
        });

        var httpsHosts = HttpsComponent.Hosts(cluster);
        var httpsLinks = new List<(string Service, string Setting, string Value)>();
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
            httpsLinks.AddRange(environment
                .Select(e => (Service: project.Name, Setting: e.Name, Value: HttpsComponent.HttpsForm($"{project.Name}: {e.Name}", e.Value, httpsHosts)))
                .Where(l => l.Value is not null)
                .Select(l => (l.Service, l.Setting, l.Value!)));
            files[$"base/{project.Name}.yaml"] = Yaml(ServiceWorkloads.Create(project, environment, cluster));
            baseResources.Add($"{project.Name}.yaml");
        }

        files["base/ingress.yaml"] = Yaml(EdgeObjects.Ingress(cluster, (name, endpoint) =>
            model.Resources.Single(r => r.Name == name) is var resource && backing.TryGetValue(resource, out var service)
                ? service.Port(endpoint)
                : cluster.ServicePort));
        baseResources.Add("ingress.yaml");
        files["base/kustomization.yaml"] = KustomizationFile.Kustomization(cluster.Namespace).Resources(baseResources).ToString();

        foreach (var (component, resources) in components)
        {
            files[$"components/{component}/kustomization.yaml"] = KustomizationFile.Component().Resources(resources).ToString();
        }

        // Deploy-time files → Secrets: one per secret value's Secret, and the ingress's certificate.
        var secretFiles = secrets.GroupBy(s => s.SecretName)
            .Select(secret => (Name: secret.Key, Type: (string?)null, Keys: secret.Select(value => value.Key).ToList()))
            .ToList();
        var overlayComponents = components.Keys.ToList();
        if (httpsHosts.Count > 0)
        {
            files[$"components/{HttpsComponent.Name}/kustomization.yaml"] = HttpsComponent.Kustomization(httpsHosts, httpsLinks).ToString();
            overlayComponents.Add(HttpsComponent.Name);
            secretFiles.Add((HttpsComponent.SecretName, HttpsComponent.SecretType, [.. HttpsComponent.SecretKeys]));
        }

        if (cluster.QueueScaling is { } scaling)
        {
            files["components/keda/scaling.yaml"] = Yaml(EdgeObjects.QueueScaler(scaling, cluster.ImageTag));
            files["components/keda/secret-references.yaml"] = EdgeObjects.KedaSecretReferences;
            // KEDA owns the converter's replica count: a count in the Deployment would reset it at every apply.
            files["components/keda/kustomization.yaml"] = KustomizationFile.Component()
                .Resources(["scaling.yaml"])
                .Configuration("secret-references.yaml")
                .RemoveField("Deployment", scaling.Service, "/spec/replicas")
                .ToString();
            secretFiles.Add((EdgeObjects.KedaHost.SecretName, null, [EdgeObjects.KedaHost.Key]));
        }

        var overlay = KustomizationFile.Kustomization(cluster.Namespace)
            .Resources(["../../base"])
            .Components(overlayComponents.Select(c => $"../../components/{c}"));
        foreach (var (name, type, keys) in secretFiles.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            // Made at deploy time by deploy/make-secrets.sh.
            overlay.Secret(
                name,
                [.. keys.Select(key => (key, $"{SecretsFolder}/{name}/{key}"))],
                KubernetesObjects.Labels(name, "secret", cluster.ImageTag),
                type);
        }

        files["overlays/minikube/kustomization.yaml"] = overlay.ToString();
        if (cluster.QueueScaling is not null)
        {
            files["overlays/minikube-keda/kustomization.yaml"] = KustomizationFile.Kustomization(cluster.Namespace)
                .Resources(["../minikube"])
                .Components(["../../components/keda"])
                .ToString();
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
}
