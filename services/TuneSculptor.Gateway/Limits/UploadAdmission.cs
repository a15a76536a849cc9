namespace TuneSculptor.Gateway.Limits;

/// <summary>Whether a user's upload may start (<see cref="UserLimits.AdmitUploadAsync"/>), decided before its body is read.</summary>
public abstract record UploadAdmission
{
    private UploadAdmission()
    {
    }

    /// <summary>
    /// It may: <see cref="Lease"/> holds its in-flight slot until disposed, and the file may take
    /// <see cref="RemainingBytes"/> of the user's quota, of <see cref="QuotaBytes"/>.
    /// </summary>
    public sealed record Admitted(UserLease Lease, long QuotaBytes, long RemainingBytes) : UploadAdmission;

    /// <summary>It may not; <see cref="Problem"/> says why (429 or 413), nothing was kept.</summary>
    public sealed record Refused(IResult Problem) : UploadAdmission;
}
