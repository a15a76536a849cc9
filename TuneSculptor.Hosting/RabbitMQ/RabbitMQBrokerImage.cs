namespace TuneSculptor.Hosting.RabbitMQ;

/// <summary>
/// The official RabbitMQ image (with the management plugin) and where things are in it: the container form, its
/// data volume and the Kubernetes form all read them from here.
/// </summary>
internal static class RabbitMQBrokerImage
{
    public const string Registry = "docker.io";

    public const string Image = "library/rabbitmq";

    /// <summary>
    /// RabbitMQ 4.3 with the management plugin, pinned in full: the newest 4.x release listed in
    /// docker-library/official-images (<c>library/rabbitmq</c>, 2026-08-21: <c>4.3.5-management</c>). The queue
    /// worker behaves the same here and on the hosts' 3.10 (it rejects, never nacks, to retry).
    /// </summary>
    public const string Tag = "4.3.5-management";

    /// <summary>The AMQP port in the container.</summary>
    public const int AmqpPort = 5672;

    /// <summary>The management UI and API's port in the container.</summary>
    public const int ManagementPort = 15672;

    /// <summary>Configuration files the node reads besides rabbitmq.conf (every <c>*.conf</c> in it).</summary>
    public const string ConfigFolder = "/etc/rabbitmq/conf.d";

    /// <summary>The node's data folder in the container.</summary>
    public const string DataPath = "/var/lib/rabbitmq";
}
