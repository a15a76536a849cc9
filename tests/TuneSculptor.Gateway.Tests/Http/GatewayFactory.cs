using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using TuneSculptor.Gateway.Jobs;

namespace TuneSculptor.Gateway.Tests.Http;

/// <summary>
/// The gateway in-process with its own Program, for what it says about itself (its routes, its OpenAPI document)
/// rather than what it does: nothing it depends on runs, so it is given addresses where nothing answers. (The type
/// argument only names the gateway's assembly: <c>Program</c> is ambiguous here, the AppHost has one too.)
/// </summary>
public class GatewayFactory : WebApplicationFactory<JobView>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // As eng/publish-openapi.sh builds it.
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:media", "mongodb://127.0.0.1:1/media");
        builder.UseSetting("ConnectionStrings:rabbitmq", "amqp://127.0.0.1:1");
        builder.UseSetting("Links:SigningKey", Convert.ToBase64String(new byte[32]));
        // Its retries against those addresses are expected; they would only clutter the output.
        builder.ConfigureLogging(logging => logging.ClearProviders());
    }
}
