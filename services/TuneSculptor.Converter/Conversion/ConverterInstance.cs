namespace TuneSculptor.Converter.Conversion;

/// <summary>This converter process, as it signs the jobs it holds (<c>lease_owner</c>): host, process id and a random part, unique across restarts.</summary>
public sealed class ConverterInstance
{
    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";
}
