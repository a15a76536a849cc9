using TuneSculptor.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

// Infrastructure. Containers where a container engine answers, host processes where none does
// (INFRASTRUCTURE_RUNTIME overrides); same names and connection strings either way.
var mysql = builder.AddMySql("mysql").WithDataVolume();
var authDb = mysql.AddDatabase("authdb");

var mongodb = builder.AddMongoDB("mongodb").WithDataVolume();
var mediaDb = mongodb.AddDatabase("media");

var rabbitmq = builder.AddRabbitMQ("rabbitmq", managementPort: builder.GetRunModePort("RABBITMQ_MANAGEMENT_PORT", 15672))
    .WithDataVolume();

var mail = builder.AddSmtp4dev("mail", uiPort: builder.GetRunModePort("MAIL_UI_PORT", 8025));

// Services: login and accounts, the public entry point, the video → mp3 worker, and the mailer.
var tokenSigningKey = builder.AddSigningKeyParameter("auth-signing-key");
var auth = builder.AddService<Projects.TuneSculptor_Auth>("auth")
    .WithEnvironment("Auth__SigningKey", tokenSigningKey)
    .WithReference(authDb).WaitFor(authDb);

var gateway = builder.AddService<Projects.TuneSculptor_Gateway>("gateway", port: builder.GetRunModePort("GATEWAY_PORT", 8080))
    .WithExternalHttpEndpoints()
    .WithReference(auth).WaitFor(auth)
    .WithReference(mediaDb).WaitFor(mediaDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq);

builder.AddService<Projects.TuneSculptor_Converter>("converter")
    .WithReference(mediaDb).WaitFor(mediaDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq);

builder.AddService<Projects.TuneSculptor_Notification>("notification")
    .WithPublicBaseUrl("Notification__PublicBaseUrl", gateway)
    .WithReference(mediaDb).WaitFor(mediaDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(mail).WaitFor(mail);

builder.LogWhenAllResourcesHealthy();
builder.Build().Run();
