namespace TuneSculptor.Hosting.Runtime;

/// <summary>Where the infrastructure's container images come from.</summary>
public enum ContainerImageSource
{
    /// <summary>The official images (docker.io mariadb, rabbitmq, mongo, rnwood/smtp4dev), pulled by the engine.</summary>
    Official,

    /// <summary>
    /// Images built on this machine from Debian packages (eng/images, <c>localhost/tunesculptor/*</c>), for machines
    /// that reach no image registry. Same environment contract where the engine allows; see README "Containers".
    /// </summary>
    Local,
}
