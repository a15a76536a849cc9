namespace TuneSculptor.System.Tests.Harness;

/// <summary>
/// A client that sends every request body only once the server asks for it (<c>Expect: 100-continue</c>; Kestrel
/// sends <c>100 Continue</c> when the application first reads the body): a request answered without its body having
/// been sent was provably answered before its body was read. The client waits for the server however long it takes.
/// </summary>
public sealed class ExpectContinue : DelegatingHandler
{
    private ExpectContinue()
        : base(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(5) })
    {
    }

    public static HttpClient Client(Uri baseAddress) => new(new ExpectContinue()) { BaseAddress = baseAddress };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.ExpectContinue = true;
        return base.SendAsync(request, cancellationToken);
    }
}
