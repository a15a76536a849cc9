using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.ServiceDefaults.Telemetry;

namespace TuneSculptor.Notification.Email;

/// <summary>
/// At most <see cref="NotificationOptions.MailsPerRecipientPerHour"/> mails of any kind to one address in any hour,
/// counted in MongoDB (<c>mails_sent</c>) so that every notification replica counts the same mails. A mail first
/// reserves its place (an insert), then counts the hour's mails to the address, its own included: over the cap it
/// takes its place back and is not sent. Replicas racing for the last place may both lose it, never both win it.
/// Addresses are stored as SHA-256 hashes: the collection says how much was sent, not to whom.
/// </summary>
public sealed partial class RecipientMailCap
{
    public const string CollectionName = "mails_sent";

    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly IMongoCollection<BsonDocument> _mails;
    private readonly IOptions<NotificationOptions> _options;
    private readonly TimeProvider _time;
    private readonly Counter<long> _capped;
    private readonly ILogger<RecipientMailCap> _logger;
    private readonly Lock _indexing = new();
    private Task? _indexes;

    public RecipientMailCap(
        IMongoDatabase database, IOptions<NotificationOptions> options, TimeProvider time, ServiceTelemetry telemetry,
        ILogger<RecipientMailCap> logger)
    {
        _mails = database.GetCollection<BsonDocument>(CollectionName);
        _options = options;
        _time = time;
        _logger = logger;
        _capped = telemetry.Meter.CreateCounter<long>(
            "tunesculptor.mails.capped", unit: "{mail}", description: "Mails not sent because their recipient had the hour's cap.");
    }

    /// <returns>A reservation to release if the mail then fails to go out; null when over the cap (logged, counted).</returns>
    public async Task<ObjectId?> TryReserveAsync(string recipient, string kind, CancellationToken cancellationToken)
    {
        await EnsureIndexesAsync().WaitAsync(cancellationToken);
        var now = _time.GetUtcNow().UtcDateTime;
        var key = Key(recipient);
        var id = ObjectId.GenerateNewId();
        await _mails.InsertOneAsync(new BsonDocument { ["_id"] = id, ["recipient"] = key, ["sent_at"] = now }, cancellationToken: cancellationToken);
        var inWindow = await _mails.CountDocumentsAsync(
            Builders<BsonDocument>.Filter.Eq("recipient", key) & Builders<BsonDocument>.Filter.Gt("sent_at", now - Window),
            cancellationToken: cancellationToken);
        var cap = _options.Value.MailsPerRecipientPerHour;
        if (inWindow <= cap)
        {
            return id;
        }

        await ReleaseAsync(id, CancellationToken.None);
        _capped.Add(1, new KeyValuePair<string, object?>("mail.kind", kind));
        LogCapped(kind, key[..12], cap);
        return null;
    }

    /// <summary>
    /// The count's index, and the record's end: a TTL index removes each record once it is out of every window. Made
    /// once; an attempt that failed (the database away) is made again by the next mail rather than remembered.
    /// </summary>
    private Task EnsureIndexesAsync()
    {
        lock (_indexing)
        {
            if (_indexes is null || _indexes.IsFaulted || _indexes.IsCanceled)
            {
                _indexes = _mails.Indexes.CreateManyAsync(
                [
                    new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("recipient").Ascending("sent_at")),
                    new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("sent_at"), new CreateIndexOptions { ExpireAfter = Window }),
                ]);
            }

            return _indexes;
        }
    }

    /// <summary>The mail did not go out: its place is free again.</summary>
    public Task ReleaseAsync(ObjectId reservation, CancellationToken cancellationToken) =>
        _mails.DeleteOneAsync(Builders<BsonDocument>.Filter.Eq("_id", reservation), cancellationToken);

    private static string Key(string recipient) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(recipient.Trim().ToLowerInvariant())));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not sent: a {Kind} mail to recipient {RecipientHash}…, who had {Cap} mails in the last hour")]
    private partial void LogCapped(string kind, string recipientHash, int cap);
}
