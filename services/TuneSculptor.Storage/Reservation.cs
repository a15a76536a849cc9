using MongoDB.Bson;

namespace TuneSculptor.Storage;

/// <summary>
/// A slot taken in <see cref="UserReservations"/>; <see cref="Others"/> and <see cref="OthersBytes"/> are what the
/// user's other live reservations of the same kind held when this one was taken.
/// </summary>
public sealed record Reservation(string OwnerId, ReservationKind Kind, ObjectId Id, int Others, long OthersBytes);
