#pragma warning disable ASPIREPIPELINES001 // The pipeline API is experimental in Aspire 13.
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TuneSculptor.Hosting.Kubernetes;

public static class KubernetesPublishingExtensions
{
    public const string StepName = "publish-kubernetes";

    /// <summary>
    /// Adds a publish step that writes the model as Kubernetes manifests (a kustomize tree) to the output path:
    /// <c>dotnet run --project TuneSculptor.AppHost -- --operation publish --step publish-kubernetes --output-path DIR</c>
    /// (eng/publish-kubernetes.sh), or as part of <c>aspire publish</c>.
    /// </summary>
    public static IDistributedApplicationBuilder AddKubernetesPublishing(this IDistributedApplicationBuilder builder, KubernetesEnvironment cluster)
    {
        builder.Pipeline.AddStep(StepName, async context =>
        {
            var output = context.Services.GetRequiredService<IOptions<PipelineOptions>>().Value.OutputPath
                ?? throw new DistributedApplicationException("Kubernetes publishing needs --output-path.");
            output = Path.GetFullPath(output);
            var publisher = new KubernetesPublisher(context.Model, context.ExecutionContext, cluster);
            var files = await publisher.RenderAsync(context.CancellationToken);
            foreach (var (path, content) in files)
            {
                var target = Path.Combine(output, path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllTextAsync(target, content, context.CancellationToken);
            }

            context.Logger.LogInformation("Wrote {Count} Kubernetes files to {Output}", files.Count, output);
        }, requiredBy: WellKnownPipelineSteps.Publish);
        return builder;
    }
}
