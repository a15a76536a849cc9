namespace TuneSculptor.Storage;

/// <summary>What a user holds open on a gateway, and may hold only so many of at once (<see cref="UserReservations"/>).</summary>
public enum ReservationKind
{
    /// <summary>An upload whose body is still arriving.</summary>
    Upload,

    /// <summary>An open <c>GET /jobs/events</c> stream.</summary>
    EventStream,
}
