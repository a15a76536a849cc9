namespace TuneSculptor.Gateway.Http;

/// <summary>
/// Endpoint metadata: the route takes either the owner's Bearer token or a signed link's own parameters, and so allows
/// anonymous callers (<c>GET /download</c>); the OpenAPI document offers Bearer, or nothing, there.
/// </summary>
public sealed class BearerOrSignedLink;
