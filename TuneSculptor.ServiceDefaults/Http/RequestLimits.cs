namespace TuneSculptor.ServiceDefaults.Http;

/// <summary>Request body limits shared by the services that read JSON, so the gateway and auth agree on them.</summary>
public static class RequestLimits
{
    /// <summary>
    /// The largest JSON body read (<c>/register</c>; <c>/login</c> takes none): an address and a password need a few
    /// hundred bytes. Larger bodies are answered 413 before they are read.
    /// </summary>
    public const long JsonBodyBytes = 16 * 1024;
}
