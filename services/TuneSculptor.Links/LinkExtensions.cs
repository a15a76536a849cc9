using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TuneSculptor.Storage;

namespace TuneSculptor.Links;

public static class LinkExtensions
{
    /// <summary>
    /// Registers <see cref="LinkSigner"/> with its key (<c>Links:SigningKey</c>, checked at start) and
    /// <see cref="DownloadLinks"/> with the file retention it expires with, and <see cref="VerificationLinks"/>.
    /// </summary>
    public static IHostApplicationBuilder AddDownloadLinks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LinkSigningOptions>()
            .Bind(builder.Configuration.GetSection(LinkSigningOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The key is read (and checked) when the signer is made: make it at start, so a bad key stops the service
        // there rather than on the first link.
        builder.Services.AddSingleton<IValidateOptions<LinkSigningOptions>, SigningKeyValidation>();
        builder.AddFileRetention();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LinkSigner>();
        builder.Services.AddSingleton<DownloadLinks>();
        builder.Services.AddSingleton<VerificationLinks>();
        return builder;
    }

    private sealed class SigningKeyValidation : IValidateOptions<LinkSigningOptions>
    {
        public ValidateOptionsResult Validate(string? name, LinkSigningOptions options)
        {
            try
            {
                _ = new LinkSigner(Options.Create(options), TimeProvider.System);
                return ValidateOptionsResult.Success;
            }
            catch (InvalidOperationException ex)
            {
                return ValidateOptionsResult.Fail(ex.Message);
            }
        }
    }
}
