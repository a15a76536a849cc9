using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace TuneSculptor.Links.Tests;

/// <summary>
/// The signature binds every field: change any one (purpose, subject, holder, expiry, a character of the signature,
/// the key) and the link is refused; it works up to its expiry and not from that second on.
/// </summary>
public sealed class LinkSignerTests
{
    private const string Fid = "65a1b2c3d4e5f60718293a4b";
    private const string Owner = "42";

    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Expires = Now.AddHours(24);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly LinkSigner _signer;

    public LinkSignerTests() => _signer = Signer(NewKey(), _time);

    [Fact]
    public void A_link_is_valid_for_what_it_was_signed_for()
    {
        var signature = _signer.Sign(LinkPurposes.Download, Fid, Owner, Expires);

        Assert.Equal(Expires.ToUnixTimeSeconds(), signature.Expires);
        Assert.Equal(LinkSignature.SigLength, signature.Sig.Length);
        Assert.Equal(LinkVerdict.Valid, _signer.Check(LinkPurposes.Download, Fid, Owner, signature));
    }

    [Theory]
    [InlineData("verify-email", Fid, Owner)]
    [InlineData(LinkPurposes.Download, "65a1b2c3d4e5f60718293a4c", Owner)]
    [InlineData(LinkPurposes.Download, Fid, "43")]
    [InlineData(LinkPurposes.Download, Fid, "")]
    // Length-prefixed fields: moving a character from one field to the next is another message.
    [InlineData(LinkPurposes.Download, Fid + "4", "2")]
    public void A_link_is_refused_for_another_purpose_subject_or_holder(string purpose, string subject, string boundTo)
    {
        var signature = _signer.Sign(LinkPurposes.Download, Fid, Owner, Expires);

        Assert.Equal(LinkVerdict.Invalid, _signer.Check(purpose, subject, boundTo, signature));
    }

    [Fact]
    public void A_later_expiry_written_into_the_link_is_refused_not_honoured()
    {
        var signature = _signer.Sign(LinkPurposes.Download, Fid, Owner, Expires);

        Assert.Equal(LinkVerdict.Invalid, _signer.Check(LinkPurposes.Download, Fid, Owner, signature with { Expires = signature.Expires + 1 }));
    }

    [Fact]
    public void Changing_any_one_character_of_the_signature_is_refused()
    {
        var signature = _signer.Sign(LinkPurposes.Download, Fid, Owner, Expires);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

        for (var i = 0; i < signature.Sig.Length; i++)
        {
            foreach (var replacement in alphabet.Where(c => c != signature.Sig[i]))
            {
                var tampered = signature with { Sig = string.Concat(signature.Sig[..i], replacement.ToString(), signature.Sig[(i + 1)..]) };
                // The last character's low bits are padding in base64url: equal bytes, another spelling, still refused.
                Assert.Equal(LinkVerdict.Invalid, _signer.Check(LinkPurposes.Download, Fid, Owner, tampered));
            }
        }
    }

    [Fact]
    public void A_link_signed_with_another_key_is_refused()
    {
        var other = Signer(NewKey(), _time).Sign(LinkPurposes.Download, Fid, Owner, Expires);

        Assert.Equal(LinkVerdict.Invalid, _signer.Check(LinkPurposes.Download, Fid, Owner, other));
    }

    [Fact]
    public void A_link_works_until_the_second_before_its_expiry_and_not_from_then_on()
    {
        var signature = _signer.Sign(LinkPurposes.Download, Fid, Owner, Expires);

        _time.SetUtcNow(Expires.AddSeconds(-1));
        Assert.Equal(LinkVerdict.Valid, _signer.Check(LinkPurposes.Download, Fid, Owner, signature));
        _time.SetUtcNow(Expires);
        Assert.Equal(LinkVerdict.Expired, _signer.Check(LinkPurposes.Download, Fid, Owner, signature));
        _time.SetUtcNow(Expires.AddDays(365));
        Assert.Equal(LinkVerdict.Expired, _signer.Check(LinkPurposes.Download, Fid, Owner, signature));
    }

    [Fact]
    public void An_expired_forgery_is_invalid_not_expired()
    {
        var signature = _signer.Sign(LinkPurposes.Download, Fid, Owner, Expires);
        _time.SetUtcNow(Expires.AddHours(1));

        Assert.Equal(LinkVerdict.Invalid, _signer.Check(LinkPurposes.Download, Fid, "43", signature));
    }

    [Theory]
    [InlineData(null, "sig")]
    [InlineData("", "sig")]
    [InlineData("-1", "sig")]
    [InlineData("+17", "sig")]
    [InlineData("1e9", "sig")]
    [InlineData(" 17", "sig")]
    [InlineData("1234567890123", "sig")]
    [InlineData("١٢٣", "sig")]
    [InlineData("1700000000", null)]
    [InlineData("1700000000", "")]
    [InlineData("1700000000", "too-short")]
    [InlineData("1700000000", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("1700000000", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("1700000000", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("1700000000", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/")]
    public void Malformed_link_parts_are_not_parsed(string? expires, string? sig) =>
        Assert.False(LinkSignature.TryParse(expires, sig, out _));

    [Fact]
    public void A_signed_link_parses_back_as_it_was_made()
    {
        var signature = _signer.Sign(LinkPurposes.Download, Fid, Owner, Expires);

        Assert.True(LinkSignature.TryParse(signature.Expires.ToString(System.Globalization.CultureInfo.InvariantCulture), signature.Sig, out var parsed));
        Assert.Equal(signature, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")]
    public void A_key_that_is_not_32_bytes_of_base64_stops_the_signer(string key) =>
        Assert.Throws<InvalidOperationException>(() => Signer(key, _time));

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static LinkSigner Signer(string key, TimeProvider time) =>
        new(Options.Create(new LinkSigningOptions { SigningKey = key }), time);
}
