using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace TuneSculptor.Gateway.Http;

/// <summary>
/// The API's two ways of authenticating as OpenAPI security schemes, and which one each operation needs: Basic where
/// the endpoint says so (<see cref="BasicCredentials"/>), Bearer or none where a signed link will do instead
/// (<see cref="BearerOrSignedLink"/>), none where it allows anonymous callers, else Bearer (the gateway's fallback policy
/// requires a token everywhere else).
/// </summary>
internal sealed class SecuritySchemeTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string Bearer = "Bearer";
    public const string Basic = "Basic";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "The access_token POST /login answers with (ES256, valid for an hour).",
        };
        document.Components.SecuritySchemes[Basic] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "basic",
            Description = "The account's email address as the user name, and its password (UTF-8).",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<BearerOrSignedLink>().Any())
        {
            // Alternatives: the token, or no scheme at all (the empty requirement) with the link's parameters.
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] }, new OpenApiSecurityRequirement()];
            return Task.CompletedTask;
        }

        var scheme = metadata.OfType<BasicCredentials>().Any() ? Basic
            : metadata.OfType<IAllowAnonymous>().Any() ? null
            : Bearer;
        if (scheme is not null)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] }];
        }

        return Task.CompletedTask;
    }
}
