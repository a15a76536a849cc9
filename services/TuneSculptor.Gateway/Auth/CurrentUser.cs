namespace TuneSculptor.Gateway.Auth;

/// <summary>The caller, as their token names them (<c>GET /me</c> shows it).</summary>
public sealed record CurrentUser(string Id, string Email);
