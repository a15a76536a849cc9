using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TuneSculptor.Gateway.Http;
using TuneSculptor.Testing;

namespace TuneSculptor.Gateway.Tests.Http;

/// <summary>
/// The OpenAPI document the gateway serves: public, the same as the checked-in docs/openapi.json, and covering every
/// route the gateway maps. (Its validity is checked on the checked-in copy with the newer Microsoft.OpenApi reader, in
/// TuneSculptor.AppHost.Tests: that version cannot load beside the gateway's.)
/// </summary>
public sealed class OpenApiDocumentTests : IClassFixture<GatewayFactory>, IDisposable
{
    /// <summary>Routes deliberately not in the document, and why.</summary>
    private static readonly Dictionary<string, string> Undocumented = new()
    {
        [ServiceDefaultsExtensions.HealthPath] = "readiness probe, for the platform rather than API clients",
        [ServiceDefaultsExtensions.AlivePath] = "liveness probe, for the platform rather than API clients",
        ["/openapi/{documentName}.json"] = "the document itself",
    };

    private readonly GatewayFactory _gateway;
    private readonly HttpClient _client;

    public OpenApiDocumentTests(GatewayFactory gateway)
    {
        _gateway = gateway;
        _client = gateway.CreateClient();
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_document_is_served_without_a_token_and_is_the_checked_in_copy()
    {
        using var response = await _client.GetAsync(ApiDocumentExtensions.Path, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var served = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        var checkedIn = JsonNode.Parse(await File.ReadAllTextAsync(Repository.PathTo("docs/openapi.json"), Cancellation));
        Assert.True(
            JsonNode.DeepEquals(checkedIn, served),
            "docs/openapi.json is stale: regenerate it with eng/publish-openapi.sh and commit it.");
    }

    [Fact]
    public async Task Every_route_the_gateway_maps_is_in_the_document_unless_left_out_on_purpose()
    {
        var paths = (await ServedDocumentAsync())["paths"]!.AsObject();

        var routes = _gateway.Services.GetServices<EndpointDataSource>()
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Select(endpoint => (Path: PathOf(endpoint), Methods: endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods))
            .Where(route => !Undocumented.ContainsKey(route.Path))
            .ToList();

        // Sanity: the enumeration sees both the gateway's own endpoints and those YARP forwards to auth.
        Assert.Contains(routes, route => route.Path == "/upload");
        Assert.Contains(routes, route => route.Path == "/login");
        var missing = routes
            .SelectMany(route => route.Methods is { Count: > 0 } methods
                ? methods.Select(method => (route.Path, Method: method))
                : [(route.Path, Method: "(any method)")])
            .Where(route => paths[route.Path]?[route.Method.ToLowerInvariant()] is null)
            .Select(route => $"{route.Method} {route.Path}")
            .ToList();
        Assert.True(missing.Count == 0, $"Mapped but not in the OpenAPI document: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task Operations_ask_for_Basic_to_log_in_nothing_to_register_or_verify_a_Bearer_token_or_a_signed_link_to_download_and_a_Bearer_token_for_the_rest()
    {
        var document = await ServedDocumentAsync();

        var schemes = document["components"]!["securitySchemes"]!;
        Assert.Equal("bearer", (string?)schemes["Bearer"]!["scheme"]);
        Assert.Equal("basic", (string?)schemes["Basic"]!["scheme"]);
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                string[] expected = path switch
                {
                    "/login" => ["Basic"],
                    "/register" => [],
                    // The mailed link is its own authority: a signature in the query.
                    "/verify" => [],
                    // The owner's token, or a signed link (no scheme: the empty requirement).
                    "/download" => ["Bearer", "none"],
                    _ => ["Bearer"],
                };
                var security = operation!["security"]?.AsArray()
                    .Select(requirement => requirement!.AsObject().Select(scheme => scheme.Key).SingleOrDefault() ?? "none").ToList() ?? [];
                Assert.True(security.SequenceEqual(expected), $"{method} {path}: {string.Join(", ", security)}");
                Assert.False(string.IsNullOrEmpty((string?)operation["operationId"]), $"{method} {path} has no operationId");
            }
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task<JsonNode> ServedDocumentAsync() =>
        JsonNode.Parse(await _client.GetStringAsync(ApiDocumentExtensions.Path, Cancellation))!;

    // As the document writes it: a group's root ("/jobs/") without its slash, route constraints dropped.
    private static string PathOf(RouteEndpoint endpoint)
    {
        var pattern = "/" + (endpoint.RoutePattern.RawText ?? string.Empty).Trim('/');
        return System.Text.RegularExpressions.Regex.Replace(pattern, @"\{([^}:=?]+)[^}]*\}", "{$1}");
    }
}
