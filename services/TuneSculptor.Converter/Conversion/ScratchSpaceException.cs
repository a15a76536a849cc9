namespace TuneSculptor.Converter.Conversion;

/// <summary>Too little room in the scratch folder for a job: not the job's fault, so retried later (see <see cref="ScratchFolders.EnsureRoomFor"/>).</summary>
public sealed class ScratchSpaceException(string message) : IOException(message);
