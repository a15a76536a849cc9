using System.Text.Json;
using TuneSculptor.Contracts;

namespace TuneSculptor.Notification.Tests;

/// <summary>The <c>mp3</c> queue's messages as the converter writes them, and as older converters wrote them.</summary>
public sealed class MessageWireTests
{
    private static readonly JobId Job = JobId.Parse("65a1b2c3d4e5f60718293a4b");

    [Fact]
    public void The_notices_carry_what_the_notification_reads_under_the_original_names()
    {
        Assert.Equal(
            """{"job_id":"65a1b2c3d4e5f60718293a4b","mp3_fid":"65a1b2c3d4e5f60718293a4c","username":"someone@example.com","file_name":"a.mp4"}""",
            JsonSerializer.Serialize(new Mp3Ready(Job, "65a1b2c3d4e5f60718293a4c", "someone@example.com", "a.mp4"), MessageType.JsonOptions));
        Assert.Equal(
            """{"job_id":"65a1b2c3d4e5f60718293a4b","username":"someone@example.com","file_name":"a.mp4","reason":"No sound."}""",
            JsonSerializer.Serialize(new ConversionFailed(Job, "someone@example.com", "a.mp4", "No sound."), MessageType.JsonOptions));
    }

    [Fact]
    public void Notices_already_queued_with_the_fields_dropped_since_still_read()
    {
        var ready = JsonSerializer.Deserialize<Mp3Ready>(
            """{"job_id":"65a1b2c3d4e5f60718293a4b","video_fid":"65a1b2c3d4e5f60718293a4d","mp3_fid":"65a1b2c3d4e5f60718293a4c","username":"someone@example.com","user_id":"user-1","file_name":"a.mp4"}""",
            MessageType.JsonOptions);
        var failed = JsonSerializer.Deserialize<ConversionFailed>(
            """{"job_id":"65a1b2c3d4e5f60718293a4b","video_fid":"65a1b2c3d4e5f60718293a4d","username":"someone@example.com","user_id":"user-1","file_name":"a.mp4","reason":"No sound."}""",
            MessageType.JsonOptions);

        Assert.Equal(new Mp3Ready(Job, "65a1b2c3d4e5f60718293a4c", "someone@example.com", "a.mp4"), ready);
        Assert.Equal(new ConversionFailed(Job, "someone@example.com", "a.mp4", "No sound."), failed);
    }
}
