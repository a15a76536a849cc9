using System.Security.Cryptography;
using Aspire.Hosting.Publishing;

namespace TuneSculptor.AppHost;

public static class SigningKeyParameter
{
    /// <summary>
    /// A secret parameter holding an EC P-256 private key (PEM) for signing tokens. In run mode one is generated on
    /// first use and kept in the AppHost's user secrets, so tokens stay valid across restarts; a published model
    /// leaves it to the deployment to supply (no default is written to the manifest).
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddSigningKeyParameter(this IDistributedApplicationBuilder builder, [ResourceName] string name) =>
        builder.AddGeneratedSecret(name, () =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return key.ExportPkcs8PrivateKeyPem();
        });

    /// <summary>
    /// A secret parameter holding 32 random bytes (base64) for HMAC-signing links (TuneSculptor.Links); generated and
    /// kept like <see cref="AddSigningKeyParameter"/>, so mailed links survive a restart in run mode.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddLinkKeyParameter(this IDistributedApplicationBuilder builder, [ResourceName] string name) =>
        builder.AddGeneratedSecret(name, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    private static IResourceBuilder<ParameterResource> AddGeneratedSecret(
        this IDistributedApplicationBuilder builder, string name, Func<string> generate) =>
        builder.ExecutionContext.IsRunMode
            ? builder.AddParameter(name, new GeneratedSecret(generate), secret: true, persist: true)
            : builder.AddParameter(name, secret: true);

    private sealed class GeneratedSecret(Func<string> generate) : ParameterDefault
    {
        public override string GetDefaultValue() => generate();

        // Only used in run mode (see above): a key generated at publish time would end up in the manifest.
        public override void WriteToManifest(ManifestPublishingContext context) =>
            throw new NotSupportedException("A signing key is generated in run mode only.");
    }
}
