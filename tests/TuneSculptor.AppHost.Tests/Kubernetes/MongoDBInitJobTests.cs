using System.Text;
using System.Text.Json;
using k8s.Models;
using TuneSculptor.Testing;

namespace TuneSculptor.AppHost.Tests.Kubernetes;

/// <summary>
/// The rendered <c>mongodb-init</c> Job's script, run as the Job runs it (bash, its environment from the Secrets)
/// against a stand-in <c>mongosh</c> that isolates the script's own logic on purpose: no real mongod can run here, so
/// what the server does with the commands (an election, SCRAM, the user's rights) is for a cluster to show. The
/// stand-in evaluates each <c>--eval</c> program as JavaScript against a small replica-set state kept in a file, and
/// refuses a root login with the wrong password.
/// </summary>
public sealed class MongoDBInitJobTests(PublishedKubernetes published) : IClassFixture<PublishedKubernetes>
{
    private const string FakeMongosh = """
        import { readFileSync, writeFileSync, existsSync } from 'node:fs';
        const stateFile = process.env.FAKE_MONGO_STATE;
        const state = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : { initiated: null, users: {}, calls: [] };
        const args = process.argv.slice(2);
        state.calls.push(args);
        const option = name => { const i = args.indexOf(name); return i < 0 ? null : args[i + 1]; };
        const save = () => writeFileSync(stateFile, JSON.stringify(state));
        if (option('-u') !== null && (option('-u') !== 'admin' || option('-p') !== process.env.FAKE_ROOT_PASSWORD)) {
          save(); console.error('MongoServerError: Authentication failed.'); process.exit(1);
        }
        const admin = {
          adminCommand: command => ({ ok: command === 'ping' || command.ping ? 1 : 0 }),
          getUser: name => state.users[name] ?? null,
          createUser: user => { if (state.users[user.user]) throw new Error('already exists'); state.users[user.user] = { pwd: user.pwd, roles: user.roles, created: true }; },
          updateUser: (name, update) => { if (!state.users[name]) throw new Error('not found'); state.users[name] = { ...state.users[name], ...update, updated: true }; },
        };
        const db = { ...admin, getSiblingDB: name => { if (name !== 'admin') throw new Error('users live in admin'); return admin; } };
        const rs = {
          status: () => { if (!state.initiated) { const e = new Error('no replset config'); e.codeName = 'NotYetInitialized'; throw e; } return { set: state.initiated._id }; },
          initiate: config => { state.initiated = config; },
        };
        const print = (...text) => console.log(...text);
        try { new Function('db', 'rs', 'print', 'process', option('--eval'))(db, rs, print, process); }
        catch (e) { save(); console.error(String(e)); process.exit(1); }
        save();
        """;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_init_Job_initiates_the_set_once_and_keeps_the_app_user_in_step_with_its_Secret()
    {
        using var commands = new FakeCommands();
        var (command, environment) = await PrepareAsync(commands, rootPasswordOfTheServer: null);
        var appPassword = environment["MONGODB_PASSWORD"];
        var state = environment["FAKE_MONGO_STATE"];

        var first = await Repository.RunAsync(command[0], command.Skip(1), Cancellation, environment: environment);
        var afterFirst = JsonDocument.Parse(await File.ReadAllTextAsync(state, Cancellation)).RootElement;
        environment["MONGODB_PASSWORD"] = "rotated-0123456789";
        var second = await Repository.RunAsync(command[0], command.Skip(1), Cancellation, environment: environment);
        var afterSecond = JsonDocument.Parse(await File.ReadAllTextAsync(state, Cancellation)).RootElement;

        Assert.Contains("replica set rs0 initiated", first, StringComparison.Ordinal);
        Assert.Contains("user tunesculptor created", first, StringComparison.Ordinal);
        Assert.Equal(3, afterFirst.GetProperty("initiated").GetProperty("members").GetArrayLength());
        var user = afterFirst.GetProperty("users").GetProperty("tunesculptor");
        Assert.Equal(appPassword, user.GetProperty("pwd").GetString());
        Assert.Equal("""[{"role":"readWrite","db":"media"}]""", user.GetProperty("roles").GetRawText());

        // Again (the next apply): the set is left alone, and the user gets the Secret's current password.
        Assert.Contains("replica set rs0 already initiated", second, StringComparison.Ordinal);
        Assert.Contains("user tunesculptor brought up to date", second, StringComparison.Ordinal);
        Assert.Equal("rotated-0123456789", afterSecond.GetProperty("users").GetProperty("tunesculptor").GetProperty("pwd").GetString());
        Assert.Single(afterSecond.GetProperty("users").EnumerateObject());

        // The app user's password never appears on a command line (visible to every process of the pod).
        var commandLines = afterSecond.GetProperty("calls").EnumerateArray().Select(c => c.GetRawText()).ToList();
        Assert.DoesNotContain(commandLines, c => c.Contains(appPassword, StringComparison.Ordinal) || c.Contains("rotated-0123456789", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_init_Job_fails_when_root_cannot_log_in()
    {
        using var commands = new FakeCommands();
        var (command, environment) = await PrepareAsync(commands, rootPasswordOfTheServer: "not-the-secrets-password");

        var (exitCode, _, error) = await Repository.RunUncheckedAsync(command[0], command.Skip(1), Cancellation, environment: environment);

        // The Job's pod fails, and Kubernetes retries it (backoffLimit), instead of a user never made.
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Authentication failed", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The Job's command and its environment from the rendered Secrets, with the stand-in <c>mongosh</c> first on
    /// PATH; the stand-in's root password is the Secret's unless <paramref name="rootPasswordOfTheServer"/> is given.
    /// </summary>
    private async Task<(IList<string> Command, Dictionary<string, string> Environment)> PrepareAsync(FakeCommands commands, string? rootPasswordOfTheServer)
    {
        var objects = published.Rendered[PublishedKubernetes.Overlay];
        var container = objects.Single(o => o is { Kind: "Job", Name: "mongodb-init" }).As<V1Job>().Spec.Template.Spec.Containers.Single();
        var environment = (container.Env ?? []).ToDictionary(
            e => e.Name,
            e => Encoding.UTF8.GetString(objects.Single(o => o.Kind == "Secret" && o.Name == e.ValueFrom.SecretKeyRef.Name).As<V1Secret>().Data[e.ValueFrom.SecretKeyRef.Key]));
        var script = Path.Combine(commands.Folder, "fake-mongosh.mjs");
        await File.WriteAllTextAsync(script, FakeMongosh, Cancellation);
        commands.Add("mongosh", $"exec node {script} \"$@\"");
        environment["PATH"] = commands.PathFirst;
        environment["FAKE_MONGO_STATE"] = Path.Combine(commands.Folder, "state.json");
        environment["FAKE_ROOT_PASSWORD"] = rootPasswordOfTheServer ?? environment["MONGODB_ROOT_PASSWORD"];
        return (container.Command, environment);
    }
}
