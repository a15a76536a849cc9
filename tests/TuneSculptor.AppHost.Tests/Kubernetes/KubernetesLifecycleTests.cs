using System.Globalization;
using k8s.Models;
using TuneSculptor.Testing;

namespace TuneSculptor.AppHost.Tests.Kubernetes;

/// <summary>
/// How the published pods are probed and stopped (issue 14, points 1 and 5), read from the rendered objects: what
/// only a cluster can show (endpoint removal timing, a real kill) is in the README's runbook.
/// </summary>
public sealed class KubernetesLifecycleTests(PublishedKubernetes published) : IClassFixture<PublishedKubernetes>
{
    private static readonly string[] Services = ["auth", "converter", "gateway", "notification"];

    private IReadOnlyList<RenderedObject> Everything => published.Rendered[PublishedKubernetes.KedaOverlay];

    [Fact]
    public void Services_are_ready_by_their_health_endpoint_and_alive_by_their_own_check()
    {
        // /health stays 200 while a shared dependency is down (degraded: see ServiceDefaults' AddDependencyCheck),
        // which the run-mode tests prove; here: every Deployment of ours asks exactly those paths.
        foreach (var service in Services)
        {
            var container = Deployment(service).Spec.Template.Spec.Containers.Single();
            Assert.Equal("/health", container.ReadinessProbe.HttpGet.Path);
            Assert.Equal("/alive", container.LivenessProbe.HttpGet.Path);
            Assert.Equal("/alive", container.StartupProbe.HttpGet.Path);
        }
    }

    [Fact]
    public void MongoDB_is_probed_without_starting_a_process()
    {
        var mongodb = Everything.Single(o => o is { Kind: "StatefulSet", Name: "mongodb" }).As<V1StatefulSet>();
        var container = mongodb.Spec.Template.Spec.Containers.Single(c => c.Name == "mongodb");

        foreach (var probe in new[] { container.ReadinessProbe, container.LivenessProbe })
        {
            Assert.NotNull(probe);
            Assert.Null(probe.Exec);
            Assert.Equal("mongodb", (string)probe.TcpSocket.Port);
            Assert.Contains(container.Ports, p => p.Name == "mongodb");
        }
    }

    [Fact]
    public void The_gateway_keeps_serving_until_it_is_out_of_its_Service_and_finishes_its_uploads_before_the_kill()
    {
        var pod = Deployment("gateway").Spec.Template.Spec;
        var preStop = pod.Containers.Single().Lifecycle?.PreStop?.Sleep?.Seconds;
        var settings = Everything.Single(o => o is { Kind: "ConfigMap", Name: "gateway-config" }).As<V1ConfigMap>().Data;
        var shutdownGrace = TimeSpan.ParseExact(settings["Uploads__ShutdownGrace"], "c", CultureInfo.InvariantCulture);

        // Endpoint removal reaches kube-proxy and the ingress within seconds; until then the pod must still serve.
        Assert.True(preStop >= 5, $"preStop sleep: {preStop}");
        // The kill comes terminationGracePeriodSeconds after the preStop began: after it, the uploads in flight get
        // the whole of the gateway's own shutdown grace, and a margin for the host to stop.
        Assert.True(shutdownGrace >= TimeSpan.FromMinutes(1), $"Uploads__ShutdownGrace: {shutdownGrace}");
        Assert.True(
            pod.TerminationGracePeriodSeconds >= preStop + (long)shutdownGrace.TotalSeconds + 5,
            $"grace {pod.TerminationGracePeriodSeconds} s < preStop {preStop} s + shutdown grace {shutdownGrace.TotalSeconds} s + 5 s");
    }

    private V1Deployment Deployment(string name) =>
        Everything.Single(o => o.Kind == "Deployment" && o.Name == name).As<V1Deployment>();
}
