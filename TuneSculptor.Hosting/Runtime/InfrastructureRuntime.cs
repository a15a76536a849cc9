namespace TuneSculptor.Hosting.Runtime;

/// <summary>How the infrastructure servers (MySQL, MongoDB, RabbitMQ, mail) run.</summary>
public enum InfrastructureRuntime
{
    /// <summary>Official container images, the usual Aspire experience where a container engine works.</summary>
    Containers,

    /// <summary>Servers installed on the host (Debian packages, npm, dotnet tools), for machines without one.</summary>
    HostProcesses,
}
