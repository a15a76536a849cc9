namespace TuneSculptor.Gateway.Http;

/// <summary>The groups the OpenAPI document puts the operations in.</summary>
public static class ApiTags
{
    public const string Account = "Account";
    public const string Conversions = "Conversions";
    public const string Downloads = "Downloads";
}
