namespace TuneSculptor.Hosting.Smtp4dev;

public sealed class Smtp4devContainerResource(string name) : ContainerResource(name), ISmtp4devResource;
