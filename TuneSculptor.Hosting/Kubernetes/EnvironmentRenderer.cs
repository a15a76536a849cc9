using System.Globalization;
using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>
/// Turns the environment a project gets in the model (as published) into Kubernetes values: endpoints become
/// Service URLs, connection strings the backing service's Kubernetes form, secret parameters Secret references.
/// Anything it does not know fails the publish instead of being written wrong.
/// </summary>
internal sealed class EnvironmentRenderer(KubernetesEnvironment environment, IReadOnlyDictionary<IResource, IKubernetesForm> backingServices)
{
    public async Task<IReadOnlyList<(string Name, RenderedValue Value)>> RenderAsync(
        ProjectResource project, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(executionContext, project, variables, cancellationToken);
        foreach (var callback in project.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return variables
            .OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => (v.Key, Render(v.Value, $"{project.Name}: {v.Key}")))
            .ToList();
    }

    private RenderedValue Render(object? value, string what) => value switch
    {
        null => RenderedValue.Literal(string.Empty),
        string text => RenderedValue.Literal(text),
        ParameterResource { Secret: true } secret => RenderedValue.Secret(SecretValue.For(secret)),
        ParameterResource parameter => RenderedValue.Literal(parameter.Default?.GetDefaultValue()
            ?? throw new NotSupportedException($"{what}: parameter '{parameter.Name}' has no default to publish.")),
        ConnectionStringReference reference => ConnectionString(reference.Resource, what),
        IResourceWithConnectionString resource => ConnectionString(resource, what),
        EndpointReference endpoint => RenderedValue.Literal(Url(endpoint)),
        EndpointReferenceExpression expression => RenderedValue.Literal(Property(expression, what)),
        ReferenceExpression { IsConditional: false } expression => Format(expression, what),
        _ => throw new NotSupportedException($"{what}: a {value.GetType().Name} has no Kubernetes form."),
    };

    private RenderedValue Format(ReferenceExpression expression, string what)
    {
        // The format is a composite format string: {0}, {1}… stand for the value providers.
        var parts = new List<RenderedValue>();
        var format = expression.Format;
        var index = 0;
        while (index < format.Length)
        {
            var open = format.IndexOf('{', index);
            if (open < 0)
            {
                parts.Add(RenderedValue.Literal(format[index..]));
                break;
            }

            if (open + 1 < format.Length && format[open + 1] == '{')
            {
                parts.Add(RenderedValue.Literal(format[index..(open + 1)]));
                index = open + 2;
                continue;
            }

            var close = format.IndexOf('}', open);
            parts.Add(RenderedValue.Literal(format[index..open].Replace("}}", "}", StringComparison.Ordinal)));
            var position = int.Parse(format[(open + 1)..close].Split(':')[0], CultureInfo.InvariantCulture);
            parts.Add(Render(expression.ValueProviders[position], what));
            index = close + 1;
        }

        return RenderedValue.Concat(parts);
    }

    private RenderedValue ConnectionString(IResourceWithConnectionString resource, string what) => resource switch
    {
        IServerDatabaseResource database when backingServices.TryGetValue(database.Parent, out var server) =>
            server.ConnectionString(database.DatabaseName),
        _ when backingServices.TryGetValue(resource, out var service) => service.ConnectionString(null),
        _ => throw new NotSupportedException($"{what}: '{resource.Name}' has no Kubernetes connection string."),
    };

    private string Url(EndpointReference endpoint) => $"{endpoint.Scheme}://{endpoint.Resource.Name}:{Port(endpoint)}";

    private int Port(EndpointReference endpoint) =>
        backingServices.TryGetValue(endpoint.Resource, out var service) ? service.Port(endpoint.EndpointName) : environment.ServicePort;

    private string Property(EndpointReferenceExpression expression, string what) => expression.Property switch
    {
        EndpointProperty.Url => Url(expression.Endpoint),
        EndpointProperty.Host or EndpointProperty.IPV4Host => expression.Endpoint.Resource.Name,
        EndpointProperty.Port or EndpointProperty.TargetPort => Port(expression.Endpoint).ToString(CultureInfo.InvariantCulture),
        EndpointProperty.Scheme => expression.Endpoint.Scheme,
        EndpointProperty.HostAndPort => $"{expression.Endpoint.Resource.Name}:{Port(expression.Endpoint)}",
        _ => throw new NotSupportedException($"{what}: endpoint property {expression.Property} has no Kubernetes form."),
    };
}
