namespace TuneSculptor.Hosting.MySql;

/// <summary>
/// The official MariaDB image and where things are in it: the container form, its data volume and the Kubernetes
/// form all read them from here. MariaDB, not MySQL, in every form: it is what Debian gives the host-process form and
/// the tests, so the engine the tests exercise is the one that runs in containers and in a cluster.
/// </summary>
internal static class MySqlServerImage
{
    public const string Registry = "docker.io";

    public const string Image = "library/mariadb";

    /// <summary>
    /// The version Debian 12 ships (<c>apt-cache policy mariadb-server</c>: 1:10.11.19-0+deb12u1), pinned in full.
    /// The official image is tagged with every MariaDB release's full version (docker-library/official-images,
    /// <c>library/mariadb</c>: <c>10.11.18</c> on 2026-08-21; 10.11.19 was released on 2026-08-24).
    /// </summary>
    public const string Tag = "10.11.19";

    /// <summary>The port the server listens on in the container.</summary>
    public const int SqlPort = 3306;

    /// <summary>The server's data folder in the container (also where its <c>healthcheck.sh</c> finds its credentials).</summary>
    public const string DataPath = "/var/lib/mysql";

    /// <summary>
    /// The image's own environment contract; the host-process launcher (<c>mariadb.sh</c>) takes the same names, so
    /// the model sets one set of names for both forms.
    /// </summary>
    public const string RootPasswordVariable = "MARIADB_ROOT_PASSWORD";

    /// <summary>The image creates this database on first start (with the user below granted all on it).</summary>
    public const string DatabaseVariable = "MARIADB_DATABASE";

    public const string UserVariable = "MARIADB_USER";

    public const string PasswordVariable = "MARIADB_PASSWORD";
}
