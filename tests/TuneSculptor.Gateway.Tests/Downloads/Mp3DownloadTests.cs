using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Contracts;
using TuneSculptor.Gateway.Downloads;
using TuneSculptor.Gateway.Http;
using TuneSculptor.Storage;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Gateway.Tests.Downloads;

/// <summary>
/// An mp3 found, then deleted before it is streamed (by its owner or the retention sweep): a 404, not a 500. Over a
/// real MongoDB (the stand-in); the race is made certain by deleting between the lookup and the answer.
/// </summary>
public sealed class Mp3DownloadTests(MongoServer mongo) : IDisposable
{
    private readonly IMongoDatabase _database = mongo.NewDatabase();
    private readonly string _mp3 = Path.GetTempFileName();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_mp3_still_there_is_streamed_whole()
    {
        var (media, file, bytes) = await StoreAsync();

        var (status, body) = await ExecuteAsync(new Mp3Download(file, media, Problems.NotFound("mp3")));

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal(bytes, body);
    }

    [Fact]
    public async Task An_mp3_deleted_after_its_lookup_is_not_found()
    {
        var (media, file, _) = await StoreAsync();
        await media.DeleteMp3Async(file.Id, Cancellation);

        var (status, body) = await ExecuteAsync(new Mp3Download(file, media, Problems.NotFound("mp3")));

        AssertNotFoundProblem(status, body);
    }

    [Fact]
    public async Task An_mp3_whose_chunks_went_before_the_first_byte_is_not_found()
    {
        // A delete caught half way: GridFS removes the file document, then the chunks; here the chunks went first, so
        // the file opens and its first read fails (GridFSChunkException), before any header is sent.
        var (media, file, _) = await StoreAsync();
        await _database.GetCollection<BsonDocument>("mp3s.chunks").DeleteManyAsync(new BsonDocument("files_id", file.Id), Cancellation);

        var (status, body) = await ExecuteAsync(new Mp3Download(file, media, Problems.NotFound("mp3")));

        AssertNotFoundProblem(status, body);
    }

    private async Task<(MediaStore Media, StoredFile<Mp3Metadata> File, byte[] Bytes)> StoreAsync()
    {
        var bytes = new byte[600_000];
        Random.Shared.NextBytes(bytes);
        await File.WriteAllBytesAsync(_mp3, bytes, Cancellation);
        var media = new MediaStore(_database);
        var stored = await media.StoreMp3Async(_mp3, "a.mp3", new Mp3Metadata { OwnerId = "user-1", JobId = JobIds.New(), OriginalName = "a.mp4", DurationSeconds = 30, Bitrate = null },
            Cancellation);
        var found = await media.FindMp3Async(stored.Id, Cancellation);
        return (media, found ?? throw new InvalidOperationException("The mp3 just stored is not found."), bytes);
    }

    private static async Task<(int Status, byte[] Body)> ExecuteAsync(IResult result)
    {
        using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var body = new MemoryStream();
        var context = new DefaultHttpContext { RequestServices = services, Response = { Body = body } };
        context.Request.Method = HttpMethods.Get;
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, body.ToArray());
    }

    private static void AssertNotFoundProblem(int status, byte[] body)
    {
        Assert.Equal(StatusCodes.Status404NotFound, status);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Equal("No such mp3.", problem.GetProperty("title").GetString());
    }

    public void Dispose() => File.Delete(_mp3);
}
