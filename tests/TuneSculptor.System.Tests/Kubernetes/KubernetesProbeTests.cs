using System.Net;
using k8s.Models;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Kubernetes;

/// <summary>Every probe the published Deployments declare is a path the running service answers (healthy: 200).</summary>
[Collection(typeof(SystemCollection))]
public sealed class KubernetesProbeTests(SystemFixture fixture)
{
    [Theory]
    [InlineData("auth")]
    [InlineData("converter")]
    [InlineData("gateway")]
    [InlineData("notification")]
    public async Task Each_probe_path_is_one_the_service_maps(string service)
    {
        var yaml = await File.ReadAllTextAsync(Repository.PathTo($"deploy/k8s/base/{service}.yaml"), TestContext.Current.CancellationToken);
        var container = RenderedObject.Split(yaml).Single(o => o.Kind == "Deployment").As<V1Deployment>().Spec.Template.Spec.Containers.Single();
        var probes = new[] { container.StartupProbe, container.LivenessProbe, container.ReadinessProbe };
        Assert.All(probes, probe => Assert.Contains(container.Ports, p => p.Name == (string)probe.HttpGet.Port));

        using var client = new HttpClient { BaseAddress = fixture.System.GetHttpEndpoint(service) };
        foreach (var path in probes.Select(p => p.HttpGet.Path).Distinct())
        {
            using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{service} answers {path} with {(int)response.StatusCode}");
        }
    }
}
