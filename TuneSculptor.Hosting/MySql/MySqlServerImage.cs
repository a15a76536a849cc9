namespace TuneSculptor.Hosting.MySql;

/// <summary>
/// The official MySQL image and where things are in it: the container form, its data volume and the Kubernetes
/// form all read them from here.
/// </summary>
internal static class MySqlServerImage
{
    public const string Registry = "docker.io";

    public const string Image = "library/mysql";

    public const string Tag = "8.4";

    /// <summary>The port the server listens on in the container.</summary>
    public const int SqlPort = 3306;

    /// <summary>The server's data folder in the container.</summary>
    public const string DataPath = "/var/lib/mysql";
}
