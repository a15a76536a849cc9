namespace TuneSculptor.Links;

/// <summary>What checking a signed link found.</summary>
public enum LinkVerdict
{
    /// <summary>Made by us, for this purpose, subject and holder, and not yet expired.</summary>
    Valid,

    /// <summary>Malformed, tampered with, or made for something else (or with another key).</summary>
    Invalid,

    /// <summary>Made by us, but its time is up.</summary>
    Expired,
}
