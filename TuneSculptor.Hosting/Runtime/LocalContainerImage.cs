namespace TuneSculptor.Hosting.Runtime;

/// <summary>
/// An image built on this machine by <c>eng/images/build.sh <paramref name="Kind"/></c> (recipe in eng/images/Kind),
/// named honestly under <c>localhost/tunesculptor/</c>, never under an official name.
/// </summary>
public sealed record LocalContainerImage(string Kind, string Image, string Tag)
{
    public const string Registry = "localhost";

    public string Reference => $"{Registry}/{Image}:{Tag}";
}
