using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Hosting.RabbitMQ;

/// <summary>A RabbitMQ broker with the management plugin: the official container, or the host's rabbitmq-server.</summary>
public interface IRabbitMQBrokerResource : IServerResource
{
    string UserName { get; }
    ParameterResource PasswordParameter { get; }

    EndpointReference PrimaryEndpoint => new(this, RabbitMQBrokerBuilderExtensions.PrimaryEndpointName);

    ReferenceExpression IResourceWithConnectionString.ConnectionStringExpression
    {
        get
        {
            var builder = new ReferenceExpressionBuilder();
            builder.AppendLiteral($"amqp://{Uri.EscapeDataString(UserName)}:");
            builder.Append($"{PasswordParameter:uri}@{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
            return builder.Build();
        }
    }
}
