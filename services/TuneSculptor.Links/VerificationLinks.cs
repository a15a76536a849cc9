using System.Globalization;
using Microsoft.Extensions.Options;

namespace TuneSculptor.Links;

/// <summary>
/// The links that verify an account's address: <c>{base}/verify?account=&lt;id&gt;&amp;nonce=&lt;mail&gt;&amp;expires=&lt;unix s&gt;&amp;sig=&lt;mac&gt;</c>,
/// signed for <see cref="LinkPurposes.VerifyEmail"/> over the account's id and the nonce of the mail that carries the
/// link, expiring <see cref="LinkSigningOptions.VerificationLinkLifetime"/> after the mail was asked for. The signature
/// proves the link is ours and unexpired (the notification signs, the gateway checks); that it is the latest mail's
/// and not used yet is auth's to decide, from the nonce.
/// </summary>
public sealed class VerificationLinks(LinkSigner signer, IOptions<LinkSigningOptions> options)
{
    public const string Path = "/verify";

    /// <summary>How long a link works after its mail was asked for.</summary>
    public TimeSpan Lifetime => options.Value.VerificationLinkLifetime;

    public string For(string baseUrl, Guid accountId, string nonce, DateTimeOffset requestedAt)
    {
        var account = accountId.ToString();
        var signature = signer.Sign(LinkPurposes.VerifyEmail, account, nonce, requestedAt + options.Value.VerificationLinkLifetime);
        return string.Create(CultureInfo.InvariantCulture,
            $"{baseUrl.TrimEnd('/')}{Path}?account={account}&nonce={Uri.EscapeDataString(nonce)}&expires={signature.Expires}&sig={signature.Sig}");
    }

    public LinkVerdict Check(Guid accountId, string nonce, LinkSignature signature) =>
        signer.Check(LinkPurposes.VerifyEmail, accountId.ToString(), nonce, signature);
}
