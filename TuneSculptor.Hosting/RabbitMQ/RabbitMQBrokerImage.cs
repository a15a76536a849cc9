namespace TuneSculptor.Hosting.RabbitMQ;

/// <summary>
/// The official RabbitMQ image (with the management plugin) and where things are in it: the container form, its
/// data volume and the Kubernetes form all read them from here.
/// </summary>
internal static class RabbitMQBrokerImage
{
    public const string Registry = "docker.io";

    public const string Image = "library/rabbitmq";

    public const string Tag = "4-management";

    /// <summary>The AMQP port in the container.</summary>
    public const int AmqpPort = 5672;

    /// <summary>The management UI and API's port in the container.</summary>
    public const int ManagementPort = 15672;

    /// <summary>The node's data folder in the container.</summary>
    public const string DataPath = "/var/lib/rabbitmq";
}
