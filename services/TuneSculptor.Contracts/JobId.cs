using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace TuneSculptor.Contracts;

/// <summary>
/// A conversion job's id: 24 lowercase hexadecimal digits, the same in messages (<c>job_id</c>), URLs
/// (<c>/jobs/{id}</c>) and the <c>jobs</c> collection, where Storage keeps it as the document's ObjectId. Storage also
/// mints them (<c>JobIds.New</c>): one place, so every id is an ObjectId the database can sort by creation.
/// </summary>
[JsonConverter(typeof(JobIdJsonConverter))]
public readonly record struct JobId
{
    private const int Length = 24;
    private static readonly string Zero = new('0', Length);

    private readonly string? _value;

    private JobId(string value) => _value = value;

    /// <summary>Upper-case digits are accepted (as MongoDB accepts them) and kept lowercase.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out JobId id)
    {
        id = default;
        if (text is not { Length: Length } || !text.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        id = new JobId(text.ToLowerInvariant());
        return true;
    }

    public static JobId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a job id (24 hexadecimal digits).");

    // default(JobId) reads as the all-zero ObjectId, which no job has, rather than as null.
    public override string ToString() => _value ?? Zero;
}
