using k8s;

namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>
/// A server of the model (MySQL, MongoDB, RabbitMQ, mail) as Kubernetes objects, and the connection string our
/// services use to reach it there. Kubernetes needs more than the container form does (a replica set, an app user),
/// so each kind says how, while names, images, databases and secret parameters come from the model. Each kind's
/// builder attaches its form to the resource (<see cref="KubernetesFormExtensions.WithKubernetesForm{T}"/>); the
/// publisher knows no kind.
/// </summary>
public interface IKubernetesForm
{
    /// <summary>Null for the base; a kustomize component's name when the service is optional (the dev mail server).</summary>
    string? Component => null;

    IEnumerable<IKubernetesObject> Objects();

    /// <summary>Secrets the objects read that no service reads through a connection string.</summary>
    IEnumerable<SecretValue> OwnSecrets();

    /// <summary>The connection string to the server, or to <paramref name="database"/> on it when one is named.</summary>
    RenderedValue ConnectionString(string? database);

    int Port(string endpointName);

    /// <summary>The port the connection string leads to: a NetworkPolicy opens it to the resources that reference this one.</summary>
    int ClientPort { get; }

    /// <summary>Pods of its own that connect to it besides those resources (replica set members, an init Job), by name label.</summary>
    IEnumerable<string> OwnClients => [];
}
