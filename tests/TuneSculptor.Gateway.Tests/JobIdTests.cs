using System.Text.Json;
using TuneSculptor.Contracts;
using TuneSculptor.Storage;

namespace TuneSculptor.Gateway.Tests;

public sealed class JobIdTests
{
    [Fact]
    public void An_id_is_24_hexadecimal_digits_kept_lowercase()
    {
        Assert.True(JobId.TryParse("65A1B2C3D4E5F60718293A4B", out var id));

        Assert.Equal("65a1b2c3d4e5f60718293a4b", id.ToString());
        Assert.Equal(JobId.Parse("65a1b2c3d4e5f60718293a4b"), id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("65a1b2c3d4e5f60718293a4")]
    [InlineData("65a1b2c3d4e5f60718293a4b0")]
    [InlineData("65a1b2c3d4e5f60718293a4g")]
    [InlineData("../../etc/passwd00000000")]
    public void Anything_else_is_not_an_id(string? text)
    {
        Assert.False(JobId.TryParse(text, out _));
        Assert.Throws<FormatException>(() => JobId.Parse(text!));
    }

    [Fact]
    public void Minted_ids_are_distinct_ids()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => JobIds.New()).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(id, JobId.Parse(id.ToString())));
    }

    [Fact]
    public void In_json_an_id_is_its_string()
    {
        var id = JobId.Parse("65a1b2c3d4e5f60718293a4b");

        Assert.Equal("\"65a1b2c3d4e5f60718293a4b\"", JsonSerializer.Serialize(id));
        Assert.Equal(id, JsonSerializer.Deserialize<JobId>("\"65A1B2C3D4E5F60718293A4B\""));
    }

    [Theory]
    [InlineData("\"job\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void Json_that_is_not_an_id_is_unreadable(string json) =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<JobId>(json));
}
