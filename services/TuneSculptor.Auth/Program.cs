using TuneSculptor.Auth.Accounts;
using TuneSculptor.Auth.Data;
using TuneSculptor.Auth.Tokens;
using TuneSculptor.ServiceDefaults.Http;

var builder = WebApplication.CreateBuilder(args);

// Every body auth reads is a small JSON document (/register; /login takes none): more is refused with a 413.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.JsonBodyBytes);

builder.AddServiceDefaults();
builder.AddMySqlDataSource("authdb");
builder.AddDatabaseMigrations();
builder.AddTokens();
builder.AddAccounts();

// Auth is reached only through the gateway, which appends the client's address to X-Forwarded-For: believed from the
// configured proxies only (TrustedProxies), it is what failed logins are counted against.
builder.AddTrustedProxies();

var app = builder.Build();

app.UseTrustedProxies();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapDefaultEndpoints();
app.MapAccountEndpoints();
app.MapInternalAccountEndpoints();
app.MapKeyEndpoints();

app.Run();
