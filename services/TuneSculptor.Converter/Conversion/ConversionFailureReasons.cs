using TuneSculptor.Messaging;
using TuneSculptor.Storage;

namespace TuneSculptor.Converter.Conversion;

/// <summary>A conversion's passing failure in a few words for its owner ("waiting to retry: storage unavailable").</summary>
public static class ConversionFailureReasons
{
    public const string ConverterBusy = "converters busy";

    public static string Describe(Exception failure) => failure switch
    {
        _ when StorageFailures.IsStorageFailure(failure) => StorageFailures.Unavailable,
        VideoReadException => StorageFailures.Unavailable,
        ScratchSpaceException => ConverterBusy,
        _ => RetryNotice.TemporaryProblem,
    };
}
