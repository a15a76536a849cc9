namespace TuneSculptor.Hosting.Smtp4dev;

/// <summary>
/// The smtp4dev image, where things are in it, and the settings the server runs with however it runs: the
/// container, the dotnet tool and the Kubernetes form all read them from here.
/// </summary>
internal static class Smtp4devImage
{
    public const string Registry = "docker.io";

    public const string Image = "rnwood/smtp4dev";

    /// <summary>
    /// Also the version of the dotnet tool (see the repository's tool manifest), so both forms run one smtp4dev. The
    /// image is tagged with each release's version on Docker Hub (<c>rnwood/smtp4dev:3.15.0</c>, as public test
    /// set-ups pin it).
    /// </summary>
    public const string Tag = "3.15.0";

    /// <summary>The SMTP port in the container.</summary>
    public const int SmtpPort = 25;

    /// <summary>The web UI's port in the container.</summary>
    public const int UiPort = 80;

    /// <summary>Mail lives in memory only, and IMAP/POP3 are off: the web UI and its API are how mail is read.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ServerSettings { get; } =
    [
        new("ServerOptions__Database", ""),
        new("ServerOptions__ImapPort", ""),
        new("ServerOptions__Pop3Port", ""),
        new("ServerOptions__NumberOfMessagesToKeep", "1000"),
    ];
}
