namespace TuneSculptor.Gateway.Limits;

/// <summary>At most <see cref="PermitLimit"/> requests per client address in each <see cref="Window"/> (a fixed window).</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }

    /// <summary>At least one request, in a window of a second to a day.</summary>
    public bool IsValid => PermitLimit >= 1 && Window >= TimeSpan.FromSeconds(1) && Window <= TimeSpan.FromDays(1);
}
