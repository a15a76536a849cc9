namespace TuneSculptor.Gateway.Http;

/// <summary>File names as users send them are untrusted: they become plain base names of printable characters.</summary>
public static class FileNames
{
    private const int MaxLength = 200;

    public static string Clean(string? name)
    {
        // Either separator, whatever system the browser runs on.
        var baseName = (name ?? string.Empty).Split('/', '\\').Last();
        var printable = new string(baseName.Where(c => !char.IsControl(c) && c != '"').ToArray()).Trim().Trim('.');
        if (printable.Length > MaxLength)
        {
            var extension = Path.GetExtension(printable);
            printable = printable[..(MaxLength - Math.Min(extension.Length, 20))] + extension[..Math.Min(extension.Length, 20)];
        }

        return printable.Length == 0 ? "video" : printable;
    }

    /// <summary>The download name of the mp3 made from <paramref name="originalName"/>: same base name, <c>.mp3</c>.</summary>
    public static string Mp3For(string originalName) => $"{Path.GetFileNameWithoutExtension(Clean(originalName))}.mp3";
}
