using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using TuneSculptor.Testing;

namespace TuneSculptor.AppHost.Tests.Model;

/// <summary>
/// The checked-in OpenAPI document (docs/openapi.json, kept equal to what the gateway serves by
/// TuneSculptor.Gateway.Tests) read by Microsoft.OpenApi 3.x, a newer reader than the 2.x the gateway writes with; it
/// lives here because the two versions cannot be loaded in one process.
/// </summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task The_checked_in_document_reads_and_validates_without_errors()
    {
        await using var file = File.OpenRead(Repository.PathTo("docs/openapi.json"));

        var (document, diagnostic) = await OpenApiDocument.LoadAsync(file, OpenApiConstants.Json, new OpenApiReaderSettings(), TestContext.Current.CancellationToken);

        Assert.NotNull(document);
        Assert.NotNull(diagnostic);
        Assert.True(diagnostic.Errors.Count == 0, string.Join("\n", diagnostic.Errors));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, diagnostic.SpecificationVersion);
        var errors = document.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var operations = document.Paths.Values.SelectMany(path => path.Operations?.Values.AsEnumerable() ?? []).ToList();
        Assert.NotEmpty(operations);
        Assert.All(operations, operation => Assert.False(string.IsNullOrEmpty(operation.OperationId)));
        Assert.All(operations, operation => Assert.NotEmpty(operation.Responses ?? []));
        Assert.Equal(["Basic", "Bearer"], document.Components?.SecuritySchemes?.Keys.Order());
    }
}
