using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Hosting.Smtp4dev;

/// <summary>
/// The image built here when the official one cannot be pulled (eng/images/smtp4dev): the smtp4dev dotnet tool at
/// <see cref="Smtp4devImage.Tag"/>, same ports and ServerOptions__* settings as the official image.
/// </summary>
internal static class Smtp4devLocalImage
{
    public static LocalContainerImage Image { get; } = new("smtp4dev", "tunesculptor/smtp4dev", Smtp4devImage.Tag);
}
