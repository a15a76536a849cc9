using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Testing;
using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Messaging;
using TuneSculptor.Notification.Email;
using TuneSculptor.Storage;

namespace TuneSculptor.Notification.Tests;

/// <summary>
/// What the owner of a job reads while its mail waits to be retried, for failures made for real: a mail server that is
/// not there, one that answers "try again later", a job store that cannot be reached; anything else is a "temporary
/// problem", and never the exception's own text.
/// </summary>
public sealed class MailFailureReasonsTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_mail_server_that_is_not_there_is_unreachable()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(ClosedPort()));

        Assert.Equal(MailFailureReasons.Unreachable, MailFailureReasons.Describe(failure));
    }

    [Fact]
    public async Task A_mail_server_that_answers_try_again_later_asked_us_to()
    {
        await using var server = new ScriptedSmtpServer(greeting: "421 4.7.0 Try again later, closing connection.");

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(server.Port));

        Assert.Equal(MailFailureReasons.Deferred, MailFailureReasons.Describe(failure));
    }

    [Fact]
    public async Task A_job_store_that_cannot_be_reached_is_storage_unavailable()
    {
        var client = new MongoClient($"mongodb://127.0.0.1:{ClosedPort()}/?directConnection=true&serverSelectionTimeoutMS=200");
        var jobs = client.GetDatabase("media").GetCollection<BsonDocument>("jobs");

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => jobs.Find(new BsonDocument()).FirstOrDefaultAsync(Cancellation));

        Assert.True(StorageFailures.IsStorageFailure(failure), failure.ToString());
        Assert.Equal(StorageFailures.Unavailable, MailFailureReasons.Describe(failure));
        // A timeout of anything else is not the store's.
        Assert.False(StorageFailures.IsStorageFailure(new TimeoutException("The auth service did not answer.")));
    }

    [Fact]
    public void Anything_else_is_a_temporary_problem()
    {
        Assert.Equal(RetryNotice.TemporaryProblem, MailFailureReasons.Describe(new InvalidOperationException("Sequence contains no elements")));
        Assert.Equal(RetryNotice.TemporaryProblem, MailFailureReasons.Describe(new HttpRequestException("auth answered 503")));
    }

    private static async Task ConnectAsync(int port)
    {
        using var client = await new SmtpConnector(SmtpSettings.Parse($"smtp://127.0.0.1:{port}"), new FakeLogger<SmtpConnector>()).ConnectAsync(Cancellation);
    }

    /// <summary>A loopback port nothing listens on (taken, then let go).</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
