using TuneSculptor.Storage;

namespace TuneSculptor.Gateway.Uploads;

/// <summary>How a <see cref="VideoSubmission"/> ended. Every outcome but <see cref="Accepted"/> kept nothing.</summary>
public abstract record SubmissionOutcome
{
    private SubmissionOutcome()
    {
    }

    /// <summary>The video is stored, its job created and queued.</summary>
    public sealed record Accepted(Job Job) : SubmissionOutcome;

    /// <summary>The upload is not one that can be converted; <see cref="Reason"/> says what to send instead.</summary>
    public sealed record Invalid(string Reason) : SubmissionOutcome;

    /// <summary>The video is larger than <see cref="Limit"/> bytes.</summary>
    public sealed record TooLarge(long Limit) : SubmissionOutcome;

    /// <summary>The video grew past <see cref="RemainingBytes"/>, what the owner's storage quota left.</summary>
    public sealed record OverQuota(long RemainingBytes) : SubmissionOutcome;

    /// <summary>A dependency is down: worth trying again shortly.</summary>
    public sealed record Unavailable(string Reason) : SubmissionOutcome;
}
