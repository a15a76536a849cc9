using System.Text;

namespace TuneSculptor.System.Tests.Security;

/// <summary>multipart/form-data bodies written byte by byte, malformed at will (HttpClient only writes valid ones).</summary>
public static class RawForms
{
    public const string Boundary = "bounded-input-test";

    public static string FormType() => $"multipart/form-data; boundary={Boundary}";

    /// <summary>The start of a file part, up to its content; <paramref name="first"/> is false after another part.</summary>
    public static byte[] FilePartHead(string fileName, string extraHeaders = "", bool first = true) => Ascii(
        $"{(first ? "" : "\r\n")}--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{fileName}\"\r\n" +
        $"Content-Type: video/mp4\r\n{extraHeaders}\r\n");

    /// <summary>A part that is not a file, after another part unless <paramref name="first"/>.</summary>
    public static byte[] Field(string name, string value, bool first = false) => Ascii(
        $"{(first ? "" : "\r\n")}--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}");

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();
}
