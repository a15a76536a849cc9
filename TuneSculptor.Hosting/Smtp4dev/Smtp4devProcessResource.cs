namespace TuneSculptor.Hosting.Smtp4dev;

public sealed class Smtp4devProcessResource(string name, string workingDirectory)
    : ExecutableResource(name, "dotnet", workingDirectory), ISmtp4devResource;
