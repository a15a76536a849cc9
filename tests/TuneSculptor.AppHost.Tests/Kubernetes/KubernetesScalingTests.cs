using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;
using TuneSculptor.Testing;

namespace TuneSculptor.AppHost.Tests.Kubernetes;

/// <summary>
/// The system fits the minikube the runbook starts, at its busiest; and under KEDA the converter's replica count
/// is KEDA's alone, so an apply does not reset it.
/// </summary>
public sealed partial class KubernetesScalingTests(PublishedKubernetes published) : IClassFixture<PublishedKubernetes>
{
    private const decimal Gibi = 1024m * 1024m * 1024m;

    [Fact]
    public void The_KEDA_overlay_leaves_the_converters_replica_count_to_KEDA()
    {
        var plain = Deployments(PublishedKubernetes.Overlay);
        var scaled = Deployments(PublishedKubernetes.KedaOverlay);

        Assert.Equal(1, plain["converter"].Spec.Replicas);
        Assert.Null(scaled["converter"].Spec.Replicas);
        Assert.DoesNotContain("replicas:", published.Rendered[PublishedKubernetes.KedaOverlay].Single(o => o is { Kind: "Deployment", Name: "converter" }).Yaml, StringComparison.Ordinal);
        // Everything else is as in the plain overlay.
        Assert.All(plain.Keys.Where(name => name != "converter"), name => Assert.Equal(plain[name].Spec.Replicas, scaled[name].Spec.Replicas));
    }

    [Fact]
    public void Both_overlays_fit_the_minikube_the_runbook_starts_and_it_asks_for_no_more_than_they_need()
    {
        var node = RunbookMinikube();
        var plain = ClusterBudget.Of(published.Rendered[PublishedKubernetes.Overlay]) + ClusterBudget.Minikube;
        var scaled = ClusterBudget.Of(published.Rendered[PublishedKubernetes.KedaOverlay]) + ClusterBudget.Minikube + ClusterBudget.Keda;
        TestContext.Current.TestOutputHelper?.WriteLine($"minikube: {node}\nplain overlay needs: {plain}\nKEDA overlay at its maximum needs: {scaled}");

        Assert.True(plain.FitsIn(node), $"the plain overlay needs {plain}; the runbook's minikube has {node}");
        Assert.True(scaled.FitsIn(node), $"the KEDA overlay at its maximum needs {scaled}; the runbook's minikube has {node}");
        // And no more: CPUs are what laptops lack, so exactly what is needed; memory and disk with a little room
        // (requests are not peaks).
        Assert.Equal(Math.Ceiling(scaled.Cpu), node.Cpu);
        Assert.True(node.MemoryBytes - scaled.MemoryBytes <= 3 * Gibi, $"the runbook asks for {node}, over 3 GiB more memory than the {scaled} needed");
        Assert.True(node.DiskBytes - scaled.DiskBytes <= 10 * Gibi, $"the runbook asks for {node}, over 10 GiB more disk than the {scaled} needed");
    }

    [Fact]
    public void The_budget_counts_replicas_surges_and_KEDAs_maximum()
    {
        // The arithmetic itself, on the rendered converter: KEDA's maximum (6) plus one pod rolling out.
        var converter = published.Rendered[PublishedKubernetes.KedaOverlay].Where(o => o.Name == "converter").ToList();
        var deployment = converter.Single(o => o.Kind == "Deployment").As<V1Deployment>();
        var request = deployment.Spec.Template.Spec.Containers.Single().Resources.Requests["cpu"].ToDecimal();
        var tmp = deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == "tmp").EmptyDir.SizeLimit.ToDecimal();

        var budget = ClusterBudget.Of(converter);

        Assert.Equal(request * 7, budget.Cpu);
        Assert.Equal(tmp * 7, budget.DiskBytes);
        Assert.Equal(request * 2, ClusterBudget.Of(published.Rendered[PublishedKubernetes.Overlay].Where(o => o.Name == "converter").ToList()).Cpu);
    }

    /// <summary>The <c>minikube start</c> line of the README's runbook.</summary>
    private static ClusterBudget RunbookMinikube()
    {
        var readme = File.ReadAllText(Repository.PathTo("README.md"));
        var starts = MinikubeStart().Matches(readme);
        Assert.True(starts.Count == 1, $"the README should start minikube once with --cpus, --memory and --disk-size; found {starts.Count}");
        decimal Number(string group) => decimal.Parse(starts[0].Groups[group].Value, CultureInfo.InvariantCulture);
        return new ClusterBudget(Number("cpus"), Number("memory") * Gibi, Number("disk") * Gibi);
    }

    private Dictionary<string, V1Deployment> Deployments(string overlay) =>
        published.Rendered[overlay].Where(o => o.Kind == "Deployment").Select(o => o.As<V1Deployment>()).ToDictionary(d => d.Metadata.Name);

    /// <summary>With Calico as the CNI, which the budget counts: without one that enforces them, NetworkPolicies do nothing.</summary>
    [GeneratedRegex(@"minikube start --cpus (?<cpus>\d+) --memory (?<memory>\d+)g --disk-size (?<disk>\d+)g --cni=calico")]
    private static partial Regex MinikubeStart();
}
