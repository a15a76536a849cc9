using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using TuneSculptor.Testing;

namespace TuneSculptor.AppHost.Tests.Kubernetes;

/// <summary>
/// HTTPS at the ingress (the tls component, on in both overlays): the gateway's host is served with the certificate
/// deploy/make-secrets.sh makes, plain HTTP is redirected, and mails link to https. The certificate is one clients
/// accept for the host, kept while valid and made again before it expires.
/// </summary>
public sealed class KubernetesTlsTests(PublishedKubernetes published) : IClassFixture<PublishedKubernetes>
{
    private const string Host = "mp3converter.com";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string MakeSecrets => Repository.PathTo("deploy/make-secrets.sh");

    [Theory]
    [InlineData(PublishedKubernetes.Overlay)]
    [InlineData(PublishedKubernetes.KedaOverlay)]
    public void The_overlays_serve_the_gateway_host_over_HTTPS_with_the_generated_certificate_and_redirect_HTTP(string overlay)
    {
        var objects = published.Rendered[overlay];
        var ingress = objects.Single(o => o.Kind == "Ingress").As<V1Ingress>();

        var tls = Assert.Single(ingress.Spec.Tls);
        Assert.Equal(new[] { Host }, tls.Hosts);
        Assert.Equal("gateway", ingress.Spec.Rules.Single(r => r.Host == Host).Http.Paths.Single().Backend.Service.Name);
        Assert.Equal("true", ingress.Metadata.Annotations["nginx.ingress.kubernetes.io/ssl-redirect"]);

        // The Secret it names is the generated one (hashed name), of the type ingress-nginx reads, holding a
        // certificate for every host of the tls section with its key.
        var secret = objects.Single(o => o.Kind == "Secret" && o.Name == tls.SecretName).As<V1Secret>();
        Assert.Matches("^ingress-tls-[a-z0-9]{10}$", tls.SecretName);
        Assert.Equal("kubernetes.io/tls", secret.Type);
        Assert.Equal(new[] { "tls.crt", "tls.key" }, secret.Data.Keys.Order(StringComparer.Ordinal));
        using var certificate = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(secret.Data["tls.crt"]), Encoding.UTF8.GetString(secret.Data["tls.key"]));
        Assert.True(certificate.HasPrivateKey);
        Assert.All(tls.Hosts, host => Assert.True(certificate.MatchesHostname(host, allowWildcards: false), $"the certificate is not for {host}"));

        // Links in mails use it.
        Assert.Equal($"https://{Host}", ConfigMap(objects, "notification-config")["Notification__PublicBaseUrl"]);
        Assert.DoesNotContain(objects.Where(o => o.Kind == "ConfigMap"), o => o.Yaml.Contains($"http://{Host}", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Without_the_component_the_base_is_plain_HTTP_throughout()
    {
        var objects = RenderedObject.Split(await Repository.RunAsync("kubectl", ["kustomize", Path.Combine(published.OutputPath, "base")], Cancellation));

        var ingress = objects.Single(o => o.Kind == "Ingress").As<V1Ingress>();
        Assert.Null(ingress.Spec.Tls);
        Assert.DoesNotContain("nginx.ingress.kubernetes.io/ssl-redirect", ingress.Metadata.Annotations.Keys);
        Assert.Equal($"http://{Host}", ConfigMap(objects, "notification-config")["Notification__PublicBaseUrl"]);
    }

    [Fact]
    public async Task Make_secrets_makes_a_certificate_for_the_host_and_keeps_it()
    {
        var overlay = ScratchOverlay.New();
        try
        {
            await Repository.RunAsync("bash", [MakeSecrets, overlay.FullName], Cancellation);
            var first = ScratchOverlay.Snapshot(overlay);
            var second = await Repository.RunAsync("bash", [MakeSecrets, overlay.FullName], Cancellation);

            // openssl reads it: the host in the SAN (what clients check), an EC key, a year's validity.
            var crt = CertificateFile(overlay);
            var text = await Repository.RunAsync("openssl", ["x509", "-in", crt, "-noout", "-subject", "-ext", "subjectAltName", "-enddate"], Cancellation);
            Assert.Contains($"DNS:{Host}", text, StringComparison.Ordinal);
            using var certificate = X509Certificate2.CreateFromPemFile(crt, KeyFile(overlay));
            Assert.NotNull(certificate.GetECDsaPublicKey());
            Assert.InRange(certificate.NotAfter - DateTime.Now, TimeSpan.FromDays(364), TimeSpan.FromDays(366));

            Assert.Equal(string.Empty, second);
            Assert.Equal(first, ScratchOverlay.Snapshot(overlay));
        }
        finally
        {
            overlay.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(-1, true)]     // expired
    [InlineData(10, true)]     // expires within the 30 days make-secrets.sh allows
    [InlineData(200, false)]   // still good
    public async Task Make_secrets_makes_the_certificate_again_when_it_expires_within_30_days(int daysLeft, bool remade)
    {
        var overlay = ScratchOverlay.New();
        try
        {
            var (crt, key) = SelfSigned(Host, DateTimeOffset.UtcNow.AddDays(daysLeft));
            Directory.CreateDirectory(Path.GetDirectoryName(CertificateFile(overlay))!);
            await File.WriteAllTextAsync(CertificateFile(overlay), crt, Cancellation);
            await File.WriteAllTextAsync(KeyFile(overlay), key, Cancellation);

            var output = await Repository.RunAsync("bash", [MakeSecrets, overlay.FullName], Cancellation);

            Assert.Equal(remade, output.Contains($"secrets/ingress-tls (self-signed for {Host}", StringComparison.Ordinal));
            Assert.Equal(remade, await File.ReadAllTextAsync(CertificateFile(overlay), Cancellation) != crt);
            Assert.Equal(remade, await File.ReadAllTextAsync(KeyFile(overlay), Cancellation) != key);
            using var now = X509Certificate2.CreateFromPemFile(CertificateFile(overlay), KeyFile(overlay));
            Assert.True(now.NotAfter > DateTime.Now.AddDays(remade ? 364 : daysLeft - 1), $"valid until {now.NotAfter}");
        }
        finally
        {
            overlay.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("no PEM", "ingress-tls/tls.crt is not a certificate in PEM")]
    [InlineData("another key", "ingress-tls/tls.key is not the key of ingress-tls/tls.crt")]
    [InlineData("another host", "ingress-tls/tls.crt is not for mp3converter.com")]
    public async Task Make_secrets_refuses_a_certificate_it_cannot_serve_and_leaves_it_alone(string replacedWith, string message)
    {
        var overlay = ScratchOverlay.New();
        try
        {
            await Repository.RunAsync("bash", [MakeSecrets, overlay.FullName], Cancellation);
            var (otherCertificate, otherKey) = SelfSigned("other.example", DateTimeOffset.UtcNow.AddDays(100));
            switch (replacedWith)
            {
                case "no PEM":
                    await File.WriteAllTextAsync(CertificateFile(overlay), "not a certificate", Cancellation);
                    break;
                case "another key":
                    await File.WriteAllTextAsync(KeyFile(overlay), otherKey, Cancellation);
                    break;
                default:
                    await File.WriteAllTextAsync(CertificateFile(overlay), otherCertificate, Cancellation);
                    await File.WriteAllTextAsync(KeyFile(overlay), otherKey, Cancellation);
                    break;
            }

            var before = ScratchOverlay.Snapshot(overlay);

            var (exitCode, _, error) = await Repository.RunUncheckedAsync("bash", [MakeSecrets, overlay.FullName], Cancellation);

            Assert.NotEqual(0, exitCode);
            Assert.Contains(message, error, StringComparison.Ordinal);
            Assert.Equal(before, ScratchOverlay.Snapshot(overlay));
        }
        finally
        {
            overlay.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_certificate_and_key_serve_TLS_that_curl_accepts_as_the_runbook_calls_it()
    {
        var overlay = ScratchOverlay.New();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        try
        {
            await Repository.RunAsync("bash", [MakeSecrets, overlay.FullName], Cancellation);
            using var certificate = X509Certificate2.CreateFromPemFile(CertificateFile(overlay), KeyFile(overlay));
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var server = ServeAsync(listener, certificate, connections: 3);

            // As the README's runbook: the certificate as the only trusted one, the host name resolved by hand.
            var resolve = $"{Host}:{port}:127.0.0.1";
            var body = await Repository.RunAsync("curl", ["-sS", "--max-time", "20", "--cacert", CertificateFile(overlay), "--resolve", resolve, $"https://{Host}:{port}/"], Cancellation);
            Assert.Equal("served over TLS", body);

            // And it is checked: without --cacert the certificate is not trusted, under another name it does not match.
            var untrusted = await Repository.RunUncheckedAsync("curl", ["-sS", "--max-time", "20", "--resolve", resolve, $"https://{Host}:{port}/"], Cancellation);
            Assert.Equal(60, untrusted.ExitCode);
            var otherName = await Repository.RunUncheckedAsync("curl", ["-sS", "--max-time", "20", "--cacert", CertificateFile(overlay), "--resolve", $"other.example:{port}:127.0.0.1", $"https://other.example:{port}/"], Cancellation);
            Assert.Equal(60, otherName.ExitCode);
            Assert.Contains("other.example", otherName.Error, StringComparison.Ordinal);

            await server;
        }
        finally
        {
            listener.Stop();
            overlay.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Answers <paramref name="connections"/> connections over TLS with one fixed HTTP response. What the clients
    /// make of it is asserted on their side: a client that refuses the certificate ends its connection during the
    /// handshake or, under TLS 1.3 (where the server may finish first), right after it.
    /// </summary>
    private static async Task ServeAsync(TcpListener listener, X509Certificate2 certificate, int connections)
    {
        const string body = "served over TLS";
        for (var i = 0; i < connections; i++)
        {
            using var client = await listener.AcceptTcpClientAsync(Cancellation);
            await using var tls = new SslStream(client.GetStream());
            try
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, Cancellation);
                var request = new byte[4096];
                if (await tls.ReadAsync(request, Cancellation) > 0)
                {
                    await tls.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"), Cancellation);
                }
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"connection {i + 1} ended by the client: {e.Message}");
            }
        }
    }

    /// <summary>A self-signed EC certificate for <paramref name="host"/> (in the SAN) ending at <paramref name="notAfter"/>, as PEM.</summary>
    private static (string Certificate, string Key) SelfSigned(string host, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(notAfter.AddDays(-365), notAfter);
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private static string CertificateFile(DirectoryInfo overlay) => Path.Combine(overlay.FullName, "secrets/ingress-tls/tls.crt");

    private static string KeyFile(DirectoryInfo overlay) => Path.Combine(overlay.FullName, "secrets/ingress-tls/tls.key");

    private static IDictionary<string, string> ConfigMap(IReadOnlyList<RenderedObject> objects, string name) =>
        objects.Single(o => o.Kind == "ConfigMap" && o.Name == name).As<V1ConfigMap>().Data;
}
