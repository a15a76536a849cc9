using System.Security.Cryptography;
using System.Text;
using MongoDB.Bson;
using MongoDB.Driver;

namespace TuneSculptor.Storage;

/// <summary>
/// Slots a user holds while something runs (an upload arriving, an event stream open), taken atomically in MongoDB so
/// that a limit holds across every gateway replica. One document per user (collection <c>user_reservations</c>), with
/// per <see cref="ReservationKind"/> a count and the slots by id. A slot is added only while the count is below the
/// limit, in one conditional update of one document, which MongoDB applies atomically; a slot is removed (and the
/// count lowered) only if it is still there, so a slot is never given back twice. Each slot expires unless renewed,
/// so a gateway killed mid-upload does not hold its slots for ever: the next reservation removes expired ones.
/// Plain <c>$set</c>/<c>$unset</c>/<c>$inc</c> by path, no positional updates (the stand-in does not apply those).
/// </summary>
public sealed class UserReservations(IMongoDatabase database, TimeProvider time)
{
    private readonly IMongoCollection<BsonDocument> _documents = database.GetCollection<BsonDocument>("user_reservations");

    private static FilterDefinitionBuilder<BsonDocument> Filter => Builders<BsonDocument>.Filter;

    private static UpdateDefinitionBuilder<BsonDocument> Update => Builders<BsonDocument>.Update;

    /// <summary>
    /// Takes a slot of <paramref name="kind"/> for <paramref name="lifetime"/> unless the user holds
    /// <paramref name="limit"/> live ones already (then null). <paramref name="bytes"/> is what the slot announces it
    /// will store (an upload's Content-Length), for the others' quota checks.
    /// </summary>
    public async Task<Reservation?> TryReserveAsync(
        string ownerId, ReservationKind kind, int limit, long bytes, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var id = DocumentId(ownerId);
        var (slots, count) = Fields(kind);
        var now = Now;

        var current = await EnsureDocumentAsync(id, ownerId, cancellationToken);
        foreach (var expired in Slots(current, kind).Where(slot => slot.Value["expires_at"].ToUniversalTime() < now))
        {
            await RemoveAsync(id, kind, expired.Name, cancellationToken);
        }

        var slot = ObjectId.GenerateNewId();
        var after = await _documents.FindOneAndUpdateAsync(
            Filter.Eq("_id", id) & Filter.Lt(count, limit),
            Update.Set($"{slots}.{SlotKey(slot)}", new BsonDocument { ["expires_at"] = now + lifetime, ["bytes"] = bytes }).Inc(count, 1),
            new FindOneAndUpdateOptions<BsonDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken);
        if (after is null)
        {
            return null;
        }

        var others = Slots(after, kind).Where(s => s.Name != SlotKey(slot)).ToList();
        return new Reservation(ownerId, kind, slot, others.Count, others.Sum(s => s.Value["bytes"].ToInt64()));
    }

    /// <summary>Extends the slot to <paramref name="lifetime"/> from now; false if it is gone (expired and removed).</summary>
    public async Task<bool> RenewAsync(Reservation reservation, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var path = $"{Fields(reservation.Kind).Slots}.{SlotKey(reservation.Id)}";
        var result = await _documents.UpdateOneAsync(
            Filter.Eq("_id", DocumentId(reservation.OwnerId)) & Filter.Exists(path),
            Update.Set($"{path}.expires_at", Now + lifetime),
            cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    /// <summary>Gives the slot back; one gone already is not an error.</summary>
    public Task ReleaseAsync(Reservation reservation, CancellationToken cancellationToken) =>
        RemoveAsync(DocumentId(reservation.OwnerId), reservation.Kind, SlotKey(reservation.Id), cancellationToken);

    private Task RemoveAsync(ObjectId id, ReservationKind kind, string slotKey, CancellationToken cancellationToken)
    {
        var (slots, count) = Fields(kind);
        var path = $"{slots}.{slotKey}";
        // Only if it is still there: two gateways sweeping the same expired slot lower the count once.
        return _documents.UpdateOneAsync(
            Filter.Eq("_id", id) & Filter.Exists(path), Update.Unset(path).Inc(count, -1), cancellationToken: cancellationToken);
    }

    private static IEnumerable<BsonElement> Slots(BsonDocument document, ReservationKind kind) =>
        document.TryGetValue(Fields(kind).Slots, out var slots) && slots is BsonDocument map ? map.Elements : [];

    /// <summary>A field name that never reads as an array index (an ObjectId's hex may be all digits).</summary>
    private static string SlotKey(ObjectId slot) => $"s{slot}";

    /// <summary>The user's document, made on their first reservation.</summary>
    private async Task<BsonDocument> EnsureDocumentAsync(ObjectId id, string ownerId, CancellationToken cancellationToken)
    {
        var initial = new BsonDocument { ["owner_id"] = ownerId };
        foreach (var kind in Enum.GetValues<ReservationKind>())
        {
            var (slots, count) = Fields(kind);
            initial[slots] = new BsonDocument();
            initial[count] = 0;
        }

        var upsert = new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After };
        try
        {
            return await _documents.FindOneAndUpdateAsync(
                Filter.Eq("_id", id), Update.Combine(initial.Elements.Select(e => Update.SetOnInsert(e.Name, e.Value))), upsert, cancellationToken);
        }
        catch (MongoCommandException ex) when (ex.Code == DuplicateKeyCode)
        {
            // Two first reservations at once: the other one made the document.
            return await _documents.Find(Filter.Eq("_id", id)).FirstAsync(cancellationToken);
        }
    }

    private const int DuplicateKeyCode = 11000;

    /// <summary>
    /// The user's document is keyed by their id, through the primary key: every MongoDB enforces its uniqueness (the
    /// stand-in does not enforce unique secondary indexes), so two replicas can never make two documents for one user.
    /// An ObjectId, because the stand-in takes no other kind of <c>_id</c>.
    /// </summary>
    private static ObjectId DocumentId(string ownerId) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes(ownerId))[..12]);

    private static (string Slots, string Count) Fields(ReservationKind kind) => kind switch
    {
        ReservationKind.Upload => ("uploads", "uploads_count"),
        ReservationKind.EventStream => ("event_streams", "event_streams_count"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Now, to the millisecond: what a BSON date holds.</summary>
    private DateTime Now
    {
        get
        {
            var now = time.GetUtcNow().UtcDateTime;
            return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
        }
    }
}
