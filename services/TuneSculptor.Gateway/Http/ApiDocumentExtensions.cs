using Microsoft.OpenApi;
using TuneSculptor.Contracts;

namespace TuneSculptor.Gateway.Http;

/// <summary>
/// The API's OpenAPI document, public at <see cref="Path"/>: generated from the endpoints' own metadata (handler
/// types, <c>Produces</c>/<c>ProducesProblem</c>/<c>Accepts</c>, names, tags) with the JSON options the API answers
/// with, so its names are the wire's snake_case ones. A copy is checked in as docs/openapi.json
/// (eng/publish-openapi.sh); a test fails when it is stale.
/// </summary>
public static class ApiDocumentExtensions
{
    public const string DocumentName = "v1";
    public const string Path = "/openapi/v1.json";

    public static IHostApplicationBuilder AddApiDocument(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "TuneSculptor",
                    Version = DocumentName,
                    Description = "Turns videos into mp3s: sign in, upload a video, follow its job, download the mp3.",
                };
                // The document's own origin: a server name would be the machine's that made the checked-in copy.
                document.Servers = [];
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                // Written by its own JSON converter, which the schema generator cannot see into.
                if (context.JsonTypeInfo.Type == typeof(JobId))
                {
                    schema.Type = JsonSchemaType.String;
                    schema.Pattern = "^[0-9a-f]{24}$";
                }

                return Task.CompletedTask;
            });
            options.AddDocumentTransformer<SecuritySchemeTransformer>();
            options.AddOperationTransformer<SecuritySchemeTransformer>();
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi().AllowAnonymous(); // at /openapi/{documentName}.json
        return app;
    }
}
