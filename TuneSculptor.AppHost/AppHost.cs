using System.Globalization;
using TuneSculptor.AppHost;
using TuneSculptor.Contracts;
using TuneSculptor.Hosting.Kubernetes;
using TuneSculptor.Hosting.MongoDB;
using TuneSculptor.Hosting.MySql;
using TuneSculptor.Hosting.RabbitMQ;
using TuneSculptor.Hosting.Smtp4dev;

var builder = DistributedApplication.CreateBuilder(args);

// Infrastructure. Containers where a container engine answers, host processes where none does
// (INFRASTRUCTURE_RUNTIME overrides); same names and connection strings either way.
var mysql = builder.AddMySqlServer("mysql").WithDataVolume();
var authDb = mysql.AddDatabase("authdb");

var mongodb = builder.AddMongoDBServer("mongodb").WithDataVolume();
var mediaDb = mongodb.AddDatabase("media");

var rabbitmq = builder.AddRabbitMQBroker("rabbitmq", managementPort: builder.GetRunModePort("RABBITMQ_MANAGEMENT_PORT", 15672))
    .WithDataVolume()
    // Above the longest a converter holds a delivery: ffmpeg's 30 min (Converter:Timeout) plus moving the files, plus,
    // for a redelivery while another converter works on the job, waiting out that one's run. At RabbitMQ's default
    // (30 min) a long job was redelivered while it still ran.
    .WithConsumerTimeout(TimeSpan.FromHours(2));

var mail = builder.AddSmtp4dev("mail", uiPort: builder.GetRunModePort("MAIL_UI_PORT", 8025));

// Services: login and accounts, the public entry point, the video → mp3 worker, and the mailer.
var tokenSigningKey = builder.AddSigningKeyParameter("auth-signing-key");
// Download and verification links carry their own authority, an HMAC under this key (TuneSculptor.Links): the
// notification signs them, the gateway checks them. Rotating it kills every link mailed before.
var linkSigningKey = builder.AddLinkKeyParameter("link-signing-key");
// How long files are kept: the converter deletes them then, the mail promises it, links expire with it. One value.
var retention = TimeSpan.FromHours(24).ToString("c", CultureInfo.InvariantCulture);
var auth = builder.AddService<Projects.TuneSculptor_Auth>("auth")
    .WithEnvironment("Auth__SigningKey", tokenSigningKey)
    .WithReference(authDb).WaitFor(authDb)
    // Account mails (verification, registration warnings) are queued for the notification, the only mailer.
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    // Its login throttle counts failures per client address, which the gateway forwards.
    .WithTrustedProxyNetwork();

const long maxUploadBytes = 2L * 1024 * 1024 * 1024;
// A stop waits this long for uploads in flight; in Kubernetes a pod first keeps serving through the preStop delay,
// while its removal from the Service reaches the ingress, and is killed after both plus a margin.
var gatewayShutdownGrace = TimeSpan.FromMinutes(5);
var gatewayPreStopDelay = TimeSpan.FromSeconds(10);
var gateway = builder.AddService<Projects.TuneSculptor_Gateway>("gateway", port: builder.GetRunModePort("GATEWAY_PORT", 8080))
    .WithExternalHttpEndpoints()
    .WithEnvironment("Uploads__MaxFileSize", maxUploadBytes.ToString(CultureInfo.InvariantCulture))
    .WithEnvironment("Uploads__ShutdownGrace", gatewayShutdownGrace.ToString("c", CultureInfo.InvariantCulture))
    .WithEnvironment("Links__SigningKey", linkSigningKey)
    .WithEnvironment("Retention__MaxAge", retention)
    // Its per-address rate limits go by the client address the ingress forwards.
    .WithTrustedProxyNetwork()
    .WithKubernetesWorkload(new()
    {
        Replicas = 2, MemoryLimit = "512Mi",
        PreStopDelay = gatewayPreStopDelay,
        TerminationGracePeriod = gatewayPreStopDelay + gatewayShutdownGrace + TimeSpan.FromSeconds(10),
    })
    .WithReference(auth).WaitFor(auth)
    .WithReference(mediaDb).WaitFor(mediaDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq);

var converter = builder.AddService<Projects.TuneSculptor_Converter>("converter")
    // ffmpeg takes a core per job while it runs, and nothing between jobs: the request reserves a share, the limit
    // lets a busy converter burst to two cores. A request of a whole core would leave no room on the runbook's
    // 4-CPU minikube (with Calico, which enforces the NetworkPolicies) for KEDA to add converters. A stop lets jobs in flight finish for 25 s
    // (Converter:ShutdownGrace) plus 10 s.
    // It runs ffmpeg on untrusted files, so in Kubernetes it may reach only MongoDB, RabbitMQ and DNS.
    .WithKubernetesWorkload(new()
    {
        CpuRequest = "200m", CpuLimit = "2", MemoryRequest = "256Mi", MemoryLimit = "1Gi", TempSizeLimit = "6Gi",
        TerminationGracePeriod = TimeSpan.FromSeconds(45),
        EgressOnlyToReferences = true,
    })
    .WithEnvironment("Retention__MaxAge", retention)
    .WithReference(mediaDb).WaitFor(mediaDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    // Conversions dead-lettered once the cause is fixed: dashboard commands (in Kubernetes, its own redrive command).
    .WithDeadLetterRedrive(rabbitmq, Queues.Video);

builder.AddService<Projects.TuneSculptor_Notification>("notification")
    .WithPublicBaseUrl("Notification__PublicBaseUrl", gateway)
    .WithEnvironment("Links__SigningKey", linkSigningKey)
    .WithEnvironment("Retention__MaxAge", retention)
    .WithReference(mediaDb).WaitFor(mediaDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(mail).WaitFor(mail)
    // Whether an address is verified: asked of auth before any mail but the verification.
    .WithReference(auth).WaitFor(auth)
    .WithDeadLetterRedrive(rabbitmq, Queues.Mp3, Queues.AccountMail);

// Kubernetes: the same model published as a kustomize tree (deploy/k8s, see README).
builder.AddKubernetesPublishing(new KubernetesEnvironment
{
    IngressRoutes = new Dictionary<string, IngressRoute>
    {
        // Logins (HTTP Basic) and bearer tokens must not cross a network in clear.
        [gateway.Resource.Name] = new(new Uri(PublicBaseUrl.PublishedDefault).Host, "http") { Https = true },
        // For operators only, and only with its component (see README): the management UI can do anything.
        [rabbitmq.Resource.Name] = new("rabbitmq-manager.com", RabbitMQBrokerBuilderExtensions.ManagementEndpointName, Component: "rabbitmq-management"),
    },
    MaxRequestBodyBytes = maxUploadBytes + 1024 * 1024,
    QueueScaling = new(converter.Resource.Name, "video", rabbitmq.GetEndpoint(RabbitMQBrokerBuilderExtensions.ManagementEndpointName),
        MessagesPerReplica: 2, MinReplicas: 1, MaxReplicas: 6),
});

builder.LogWhenAllResourcesHealthy();
builder.Build().Run();
