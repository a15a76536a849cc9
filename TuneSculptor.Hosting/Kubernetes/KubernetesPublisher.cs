using System.Text;
using k8s;
using k8s.Models;

namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>
/// Writes the model as a kustomize tree:
/// <code>
/// base/                 namespace, backing services, our services, ingress, NetworkPolicies
/// components/mail/      the development mail server (optional)
/// components/tls/       HTTPS at the ingress, plain HTTP redirected (optional; see HttpsComponent)
/// components/keda/      queue-driven scaling of the converter (optional)
/// components/&lt;route&gt;/   an optional ingress route (the RabbitMQ management UI), in no overlay
/// overlays/minikube/    base + mail + tls + Secrets generated from files made at deploy time (never committed)
/// overlays/minikube-keda/  the same, scaled by KEDA
/// </code>
/// NetworkPolicies come from the model's references: a server, and a service that is not routed from the ingress,
/// admits the services that reference it (and a server its own pods that need it), and a service marked <see cref="KubernetesWorkload.EgressOnlyToReferences"/> reaches only
/// what it references, and DNS.
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

        var projects = model.Resources.OfType<ProjectResource>().OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var httpsHosts = HttpsComponent.Hosts(cluster);
        var httpsLinks = new List<(string Service, string Setting, string Value)>();
        // Components the overlays include (optional servers: the dev mail server), and those none does (admin routes).
        var components = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var optInComponents = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (resource, service) in backing.OrderBy(s => s.Key.Name, StringComparer.Ordinal))
        {
            var clients = projects.Where(p => References(p).Contains(resource)).Select(p => p.Name).Concat(service.OwnClients);
            var objects = service.Objects()
                .Append(NetworkPolicies.FromClients(resource.Name, clients, service.ClientPort, KubernetesObjects.VersionOf(resource)))
                .ToList();
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

        foreach (var project in projects)
        {
            var environment = await renderer.RenderAsync(project, executionContext, cancellationToken);
            secrets.UnionWith(environment.SelectMany(e => e.Value.Secrets));
            httpsLinks.AddRange(environment
                .Select(e => (Service: project.Name, Setting: e.Name, Value: HttpsComponent.HttpsForm($"{project.Name}: {e.Name}", e.Value, httpsHosts)))
                .Where(l => l.Value is not null)
                .Select(l => (l.Service, l.Setting, l.Value!)));
            var objects = ServiceWorkloads.Create(project, environment, cluster);
            if (project.KubernetesWorkload().EgressOnlyToReferences)
            {
                // Servers and our services have pods to connect to; anything else referenced (a parameter) has none.
                var servers = References(project)
                    .Where(r => r is ProjectResource || backing.ContainsKey(r))
                    .ToDictionary(r => r.Name, r => backing.TryGetValue(r, out var server) ? server.ClientPort : cluster.ServicePort);
                objects = objects.Append(NetworkPolicies.EgressOnlyTo(project.Name, servers, cluster.Dns, cluster.ImageTag));
            }

            // A service only other services call (auth) admits only them: it believes their X-Forwarded-For, and
            // nothing else in the cluster has business with it. One behind the ingress admits everyone, as now.
            var callers = projects.Where(p => References(p).Contains(project)).Select(p => p.Name).ToList();
            if (callers.Count > 0 && !cluster.IngressRoutes.ContainsKey(project.Name))
            {
                objects = objects.Append(NetworkPolicies.FromClients(project.Name, callers, cluster.ServicePort, cluster.ImageTag));
            }

            files[$"base/{project.Name}.yaml"] = Yaml(objects);
            baseResources.Add($"{project.Name}.yaml");
        }

        foreach (var routes in cluster.IngressRoutes.GroupBy(r => r.Value.Component).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var name = routes.Key ?? EdgeObjects.IngressName;
            List<IKubernetesObject> objects = [EdgeObjects.Ingress(cluster, name, routes, (resource, endpoint) => PortOf(resource, endpoint, backing))];
            // The ingress controller must be let through to a server (whose pods a policy selects); our services admit it.
            foreach (var (resourceName, route) in routes.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                var resource = model.Resources.Single(r => r.Name == resourceName);
                if (backing.TryGetValue(resource, out var server))
                {
                    objects.Add(NetworkPolicies.FromCluster(resourceName, "ingress", cluster.IngressController, server.Port(route.EndpointName), KubernetesObjects.VersionOf(resource)));
                }
            }

            if (routes.Key is { } component)
            {
                files[$"components/{component}/ingress.yaml"] = Yaml(objects);
                optInComponents[component] = ["ingress.yaml"];
            }
            else
            {
                files["base/ingress.yaml"] = Yaml(objects);
                baseResources.Add("ingress.yaml");
            }
        }

        files["base/kustomization.yaml"] = KustomizationFile.Kustomization(cluster.Namespace).Resources(baseResources).ToString();

        foreach (var (component, resources) in components.Concat(optInComponents))
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
            var broker = scaling.BrokerManagement.Resource;
            files["components/keda/scaling.yaml"] = Yaml(EdgeObjects.QueueScaler(
                scaling, cluster, PortOf(broker.Name, scaling.BrokerManagement.EndpointName, backing), KubernetesObjects.VersionOf(broker)));
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

    /// <summary>
    /// What a project references in the model (<c>WithReference</c>): servers (a database stands for its server) and
    /// other projects.
    /// </summary>
    private static IEnumerable<IResource> References(ProjectResource project) =>
        project.Annotations.OfType<ResourceRelationshipAnnotation>()
            .Where(r => r.Type == "Reference")
            .Select(r => r.Resource is IResourceWithParent child ? child.Parent : r.Resource)
            .Distinct();

    private int PortOf(string resourceName, string endpointName, IReadOnlyDictionary<IResource, IKubernetesForm> backing) =>
        backing.TryGetValue(model.Resources.Single(r => r.Name == resourceName), out var service) ? service.Port(endpointName) : cluster.ServicePort;

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
