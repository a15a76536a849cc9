namespace TuneSculptor.AppHost.Tests;

/// <summary>
/// A temporary folder of stand-in commands (<c>sh</c> scripts), for tests that isolate a script or a probe on purpose
/// from the real tool: name a command by its path, or put the folder first on PATH. Deleted on dispose.
/// </summary>
internal sealed class FakeCommands : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("tunesculptor-fake-commands-");

    public string Folder => _folder.FullName;

    /// <summary>PATH with this folder first, so its commands win over the installed ones.</summary>
    public string PathFirst => $"{Folder}:{Environment.GetEnvironmentVariable("PATH")}";

    /// <summary>Writes the command <paramref name="name"/>, running <paramref name="body"/>; returns its path.</summary>
    public string Add(string name, string body)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return path;
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
