using System.Text.Json;
using TuneSculptor.Contracts;

namespace TuneSculptor.Converter.Tests;

/// <summary>The <c>video</c> queue's message as the gateway writes it: everything the converter needs, original names.</summary>
public sealed class MessageWireTests
{
    private const string Json =
        """{"job_id":"65a1b2c3d4e5f60718293a4b","video_fid":"65a1b2c3d4e5f60718293a4d","username":"someone@example.com","user_id":"user-1","file_name":"a.mp4","bitrate":128}""";

    private static readonly VideoUploaded Message = new(
        JobId.Parse("65a1b2c3d4e5f60718293a4b"), "65a1b2c3d4e5f60718293a4d", "someone@example.com", "user-1", "a.mp4", 128);

    [Fact]
    public void A_video_upload_keeps_its_wire_names() => Assert.Equal(Json, JsonSerializer.Serialize(Message, MessageType.JsonOptions));

    [Fact]
    public void A_video_upload_reads_as_it_was_written() =>
        Assert.Equal(Message, JsonSerializer.Deserialize<VideoUploaded>(Json, MessageType.JsonOptions));

    [Fact]
    public void A_job_id_that_is_not_one_makes_the_message_unreadable() =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<VideoUploaded>(Json.Replace("65a1b2c3d4e5f60718293a4b", "job-1"), MessageType.JsonOptions));
}
