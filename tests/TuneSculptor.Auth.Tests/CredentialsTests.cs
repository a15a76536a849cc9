using System.Text;
using TuneSculptor.Auth.Accounts;

namespace TuneSculptor.Auth.Tests;

public sealed class CredentialsTests
{
    [Theory]
    [InlineData("someone@example.com")]
    [InlineData("first.last+tag@sub.example.co.uk")]
    [InlineData("o'brien@example.com")]
    [InlineData("  padded@example.com  ")]
    public void Ordinary_addresses_are_accepted(string email) => Assert.Null(Credentials.ValidateEmail(email));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-at-sign")]
    [InlineData("someone@localhost")]
    [InlineData("Someone <someone@example.com>")]
    [InlineData("two words@example.com")]
    [InlineData("line\r\nbreak@example.com")]
    [InlineData("x@example.com' OR 1=1 #")]
    public void Anything_mail_could_not_go_to_is_refused(string? email) => Assert.NotNull(Credentials.ValidateEmail(email));

    [Fact]
    public void An_address_longer_than_254_characters_is_refused() =>
        Assert.NotNull(Credentials.ValidateEmail($"{new string('a', 64)}@{new string('b', 190)}.com"));

    [Theory]
    [InlineData(null, false)]
    [InlineData("1234567", false)]
    [InlineData("12345678", true)]
    public void Passwords_need_eight_characters(string? password, bool valid) =>
        Assert.Equal(valid, Credentials.ValidatePassword(password) is null);

    [Fact]
    public void Huge_passwords_are_refused_before_any_hashing() =>
        Assert.NotNull(Credentials.ValidatePassword(new string('x', Credentials.MaximumPasswordLength + 1)));

    [Fact]
    public void Addresses_compare_without_case_or_surrounding_spaces() =>
        Assert.Equal(Credentials.NormalizeEmail("someone@example.com"), Credentials.NormalizeEmail("  SomeOne@Example.COM "));

    [Theory]
    [InlineData("user@example.com:secret", "user@example.com", "secret")]
    [InlineData("user@example.com:se:cr:et", "user@example.com", "se:cr:et")]
    [InlineData("user@example.com:", "user@example.com", "")]
    [InlineData("jürgen@example.com:pässword", "jürgen@example.com", "pässword")]
    public void Basic_credentials_split_at_the_first_colon(string decoded, string email, string password)
    {
        Assert.True(Credentials.TryParseBasic($"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes(decoded))}", out var parsedEmail, out var parsedPassword));
        Assert.Equal(email, parsedEmail);
        Assert.Equal(password, parsedPassword);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("Basic not-base64!")]
    [InlineData("Basic bm8tY29sb24=")] // "no-colon"
    [InlineData("Basic OnNlY3JldA==")] // ":secret" (no user)
    [InlineData("Basic /w==")] // 0xFF, not UTF-8
    public void Anything_else_is_not_basic_credentials(string? header) =>
        Assert.False(Credentials.TryParseBasic(header, out _, out _));
}
