using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Hosting.RabbitMQ;

/// <summary>
/// The image built here when the official one cannot be pulled (eng/images/rabbitmq): Debian's RabbitMQ with the
/// management plugin and the official image's RABBITMQ_DEFAULT_USER/RABBITMQ_DEFAULT_PASS and data folder. It is
/// RabbitMQ 3.10, not 4.x: the services use only what both do the same way (see FACTS.md, quorum queues).
/// </summary>
internal static class RabbitMQBrokerLocalImage
{
    public static LocalContainerImage Image { get; } = new("rabbitmq", "tunesculptor/rabbitmq", "3.10");
}
