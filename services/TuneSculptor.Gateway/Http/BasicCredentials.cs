namespace TuneSculptor.Gateway.Http;

/// <summary>
/// Endpoint metadata: the route takes the account's email and password as HTTP Basic credentials (<c>POST
/// /login</c>), so the OpenAPI document asks for Basic there instead of a Bearer token.
/// </summary>
public sealed class BasicCredentials;
