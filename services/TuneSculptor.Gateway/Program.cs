using TuneSculptor.Gateway.Accounts;
using TuneSculptor.Gateway.Auth;
using TuneSculptor.Gateway.Downloads;
using TuneSculptor.Gateway.Http;
using TuneSculptor.Gateway.Jobs;
using TuneSculptor.Gateway.Limits;
using TuneSculptor.Gateway.Uploads;
using TuneSculptor.Gateway.Web;
using TuneSculptor.Links;
using TuneSculptor.Messaging;
using TuneSculptor.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMongoDatabase("media");
builder.Services.AddJobSubmissions();
builder.AddRabbitMQMessaging("rabbitmq");
builder.AddAuthService();
AuthAccounts.Register(builder.Services);
builder.AddUploads();
// The client address the rate limits go by: the ingress appends it to X-Forwarded-For, believed from the configured
// proxies only (TrustedProxies).
builder.AddTrustedProxies();
builder.AddLimits();
builder.AddDownloadLinks();
builder.RedactDownloadLinksInTraces();
builder.AddApiDocument();

var app = builder.Build();

// First: the client's address, as a trusted proxy forwarded it, is what everything after sees (the rate limits).
app.UseTrustedProxies();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseWebPage();
// Before authentication: refused requests count too, and cost the least.
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapApiDocument();
app.MapIdentityEndpoints();
app.MapVerificationEndpoints();
app.MapUploadEndpoints();
app.MapJobEndpoints();
app.MapDownloadEndpoints();

app.Run();
