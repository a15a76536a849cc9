using System.Text.Json;
using System.Text.Json.Serialization;

namespace TuneSculptor.Contracts;

/// <summary>A <see cref="JobId"/> as the JSON string of its digits; anything else makes the message unreadable.</summary>
public sealed class JobIdJsonConverter : JsonConverter<JobId>
{
    public override JobId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && JobId.TryParse(reader.GetString(), out var id)
            ? id
            : throw new JsonException("A job id must be a string of 24 hexadecimal digits.");

    public override void Write(Utf8JsonWriter writer, JobId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
