using System.ComponentModel.DataAnnotations;

namespace TuneSculptor.Links;

/// <summary>The key links are signed with (<c>Links</c> section; <c>link-signing-key</c> in the AppHost).</summary>
public sealed class LinkSigningOptions
{
    public const string Section = "Links";

    /// <summary>At least 32 random bytes, base64. Changing it kills every link handed out before.</summary>
    [Required]
    public string SigningKey { get; set; } = string.Empty;

    /// <summary>How long a verification link works after its mail was asked for.</summary>
    public TimeSpan VerificationLinkLifetime { get; set; } = TimeSpan.FromHours(24);
}
