namespace TuneSculptor.Hosting.RabbitMQ;

public sealed class RabbitMQBrokerProcessResource(string name, string userName, ParameterResource password, string workingDirectory)
    : ExecutableResource(name, "bash", workingDirectory), IRabbitMQBrokerResource
{
    public string UserName { get; } = userName;
    public ParameterResource PasswordParameter { get; } = password;
}
