namespace TuneSculptor.Hosting.RabbitMQ;

public sealed class RabbitMQBrokerContainerResource(string name, string userName, ParameterResource password)
    : ContainerResource(name), IRabbitMQBrokerResource
{
    public string UserName { get; } = userName;
    public ParameterResource PasswordParameter { get; } = password;
}
