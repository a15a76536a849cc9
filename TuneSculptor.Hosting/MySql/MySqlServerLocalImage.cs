using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Hosting.MySql;

/// <summary>
/// The image built here when the official one cannot be pulled (eng/images/mariadb): Debian's MariaDB 10.11 with the
/// official mariadb image's environment contract (MARIADB_*/MYSQL_* variables, /docker-entrypoint-initdb.d,
/// healthcheck.sh, data in <see cref="MySqlServerImage.DataPath"/>).
/// </summary>
internal static class MySqlServerLocalImage
{
    public static LocalContainerImage Image { get; } = new("mariadb", "tunesculptor/mariadb", "10.11");
}
