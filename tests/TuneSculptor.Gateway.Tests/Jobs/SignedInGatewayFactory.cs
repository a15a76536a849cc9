using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;
using TuneSculptor.Gateway.Jobs;

namespace TuneSculptor.Gateway.Tests.Jobs;

/// <summary>
/// The gateway in-process over a real MongoDB database, every command it sends there recorded (the driver's command
/// events). Auth does not run: the gateway takes tokens signed with a key of this factory's, validated by its own
/// JwtBearer setup (issuer, audience, ES256, lifetime) against that key instead of auth's published ones.
/// </summary>
public sealed class SignedInGatewayFactory(string mongoConnectionString, IMongoDatabase database) : WebApplicationFactory<JobView>
{
    private const string Issuer = "https://auth.test";
    private const string Audience = "tunesculptor-api";

    private readonly ECDsaSecurityKey _signingKey = new(ECDsa.Create(ECCurve.NamedCurves.nistP256));
    private readonly ConcurrentQueue<RecordedCommand> _commands = new();

    /// <summary>The commands the gateway sent to MongoDB so far, in the order they started.</summary>
    public IReadOnlyList<RecordedCommand> Commands => _commands.ToArray();

    /// <summary>A token for <paramref name="userId"/>, valid for an hour, as auth would sign it.</summary>
    public string TokenFor(string userId) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        Claims = new Dictionary<string, object> { ["sub"] = userId, ["email"] = $"{userId}@example.com" },
        Expires = DateTime.UtcNow.AddHours(1),
        SigningCredentials = new SigningCredentials(_signingKey, SecurityAlgorithms.EcdsaSha256),
    });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:media", new MongoUrlBuilder(mongoConnectionString) { DatabaseName = database.DatabaseNamespace.DatabaseName }.ToString());
        // Nothing here publishes; the broker is never reached.
        builder.UseSetting("ConnectionStrings:rabbitmq", "amqp://127.0.0.1:1");
        builder.UseSetting("Links:SigningKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        builder.UseSetting("Auth:Audience", Audience);
        builder.ConfigureLogging(logging => logging.ClearProviders());
        builder.ConfigureTestServices(services =>
        {
            // Set before JwtBearer's own post-configuration, which then uses it instead of fetching auth's metadata.
            services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
            {
                var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
                configuration.SigningKeys.Add(_signingKey);
                options.Configuration = configuration;
            });
            services.AddSingleton<IMongoClient>(_ =>
            {
                var settings = MongoClientSettings.FromConnectionString(mongoConnectionString);
                settings.ClusterConfigurator = cluster => cluster.Subscribe<CommandStartedEvent>(started =>
                    _commands.Enqueue(new RecordedCommand(started.CommandName, started.Command.DeepClone().AsBsonDocument)));
                return new MongoClient(settings);
            });
        });
    }
}

/// <summary>A command as the driver sent it: its name and its document.</summary>
public sealed record RecordedCommand(string Name, BsonDocument Command)
{
    /// <summary>The collection a collection command (find, count, aggregate…) names, else null.</summary>
    public string? Collection => Command.TryGetValue(Name, out var target) && target.IsString ? target.AsString : null;
}
