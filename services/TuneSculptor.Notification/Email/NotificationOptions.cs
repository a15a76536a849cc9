using System.ComponentModel.DataAnnotations;

namespace TuneSculptor.Notification.Email;

/// <summary>Mail settings (<c>Notification</c> section).</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notification";

    /// <summary>Where users download from: the gateway in run mode, <c>https://mp3converter.com</c> in Kubernetes.</summary>
    [Required]
    [Url]
    public string PublicBaseUrl { get; set; } = string.Empty;

    /// <summary>Mails of every kind to one address in any hour; more are not sent (logged, counted).</summary>
    [Range(1, 10_000)]
    public int MailsPerRecipientPerHour { get; set; } = 10;

    [Required]
    public string From { get; set; } = "TuneSculptor <no-reply@tunesculptor.local>";
}
