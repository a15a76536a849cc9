using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.GridFS;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Storage.Tests;

/// <summary>
/// The stream ffmpeg's video is served from (<see cref="MediaStore.OpenVideoAsync"/>): batches of chunks fetched
/// ahead of the reader, read through and sought anywhere, gives exactly the stored bytes, and a damaged file fails.
/// </summary>
public sealed class VideoReadStreamTests(MongoServer mongo)
{
    // 40 chunks of 255 KiB and a part: three batches and the start of a fourth.
    private static readonly byte[] Content = RandomBytes((40 * 255 * 1024) + 12_345);

    private readonly IMongoDatabase _database = mongo.NewDatabase();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Read_through_in_odd_sized_pieces_it_gives_every_byte_in_order()
    {
        var media = new MediaStore(_database);
        var id = await StoreAsync(media);

        await using var video = await media.OpenVideoAsync(id, Cancellation);
        var read = new MemoryStream();
        var buffer = new byte[100_003];
        int n;
        while ((n = await video.ReadAsync(buffer, Cancellation)) > 0)
        {
            read.Write(buffer, 0, n);
        }

        Assert.Equal(Content.Length, video.Length);
        Assert.True(Content.AsSpan().SequenceEqual(read.ToArray()), "the bytes read differ from those stored");
    }

    [Fact]
    public async Task Sought_anywhere_forward_or_back_it_reads_from_there()
    {
        var media = new MediaStore(_database);
        var id = await StoreAsync(media);
        await using var video = await media.OpenVideoAsync(id, Cancellation);
        var buffer = new byte[300_000];

        // The index at the end (as an MP4's), back to the start, across batch boundaries, the very last bytes.
        foreach (var position in new long[] { Content.Length - 200_000, 48, 16 * 255 * 1024 - 10, 5_000_000, 1, Content.Length - 7 })
        {
            video.Seek(position, SeekOrigin.Begin);
            var n = await video.ReadAtLeastAsync(buffer, Math.Min(buffer.Length, (int)(Content.Length - position)), throwOnEndOfStream: true, Cancellation);
            Assert.True(Content.AsSpan((int)position, n).SequenceEqual(buffer.AsSpan(0, n)), $"the bytes read at {position} differ");
            Assert.Equal(position + n, video.Position);
        }

        video.Seek(0, SeekOrigin.End);
        Assert.Equal(0, await video.ReadAsync(buffer, Cancellation));
    }

    [Fact]
    public async Task Let_go_of_while_the_next_batch_is_fetched_the_file_can_be_deleted_and_read_again()
    {
        var media = new MediaStore(_database);
        var id = await StoreAsync(media);
        await using (var video = await media.OpenVideoAsync(id, Cancellation))
        {
            await video.ReadExactlyAsync(new byte[1000], Cancellation); // the first batch taken, the second asked for
        }

        await using (var again = await media.OpenVideoAsync(id, Cancellation))
        {
            var first = new byte[1000];
            await again.ReadExactlyAsync(first, Cancellation);
            Assert.True(Content.AsSpan(0, 1000).SequenceEqual(first));
        }

        await media.DeleteVideoAsync(id, Cancellation);
        await Assert.ThrowsAsync<GridFSFileNotFoundException>(() => media.OpenVideoAsync(id, Cancellation));
    }

    [Fact]
    public async Task A_missing_chunk_fails_the_read_rather_than_giving_shifted_bytes()
    {
        var media = new MediaStore(_database);
        var id = await StoreAsync(media);
        var chunks = _database.GetCollection<BsonDocument>("videos.chunks");
        var filter = Builders<BsonDocument>.Filter;
        Assert.Equal(1, (await chunks.DeleteOneAsync(filter.Eq("files_id", id) & filter.Eq("n", 20), Cancellation)).DeletedCount);

        await using var video = await media.OpenVideoAsync(id, Cancellation);
        var failure = await Assert.ThrowsAsync<GridFSChunkException>(() => video.CopyToAsync(Stream.Null, Cancellation));
        Assert.Contains("missing", failure.Message, StringComparison.Ordinal);
        Assert.Equal(20L * 255 * 1024, video.Position); // everything before the gap was read, nothing after it
    }

    private static async Task<ObjectId> StoreAsync(MediaStore media)
    {
        var metadata = new VideoMetadata { OwnerId = "user-1", OwnerEmail = "user-1@example.com", JobId = null, OriginalName = "clip.mp4", ContentType = "video/mp4" };
        var stored = await media.StoreVideoAsync(new MemoryStream(Content), "clip.mp4", metadata, long.MaxValue, Cancellation);
        return stored.Id;
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(18).NextBytes(bytes);
        return bytes;
    }
}
