using System.Globalization;
using MongoDB.Bson;

namespace TuneSculptor.Storage;

/// <summary>
/// How long files are kept (<c>Retention</c> section): one setting, read by the converter (which deletes them then),
/// the notification (whose mail promises it) and the gateway (whose links expire with the file). The AppHost gives
/// all three the same value.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>How long mp3s (and videos left behind by failed jobs) are kept: the mail promises 24 hours.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Until when an mp3 is kept, from its id: an ObjectId holds the second it was made, which is no later than the
    /// upload date the retention sweep goes by, so a link valid until then never outlives its file.
    /// </summary>
    public DateTimeOffset KeptUntil(ObjectId storedFileId) =>
        new DateTimeOffset(storedFileId.CreationTime, TimeSpan.Zero) + MaxAge;

    /// <summary>The age for people: "24 hours", or seconds when shorter than an hour (tests).</summary>
    public string DescribeMaxAge() => MaxAge.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{MaxAge.TotalHours:0.#} hours")
        : string.Create(CultureInfo.InvariantCulture, $"{MaxAge.TotalSeconds:0} seconds");
}
