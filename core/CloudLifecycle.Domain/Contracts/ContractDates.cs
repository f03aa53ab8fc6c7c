using NodaTime;

namespace CloudLifecycle.Core.Contracts;

/// <summary>
/// The dates a contract is known by.
/// <see cref="Start"/>: the day the contract starts (eclect-aws: the day the AWS account information
/// is notified, §3-3; nec-express5800: the first day of the usage period, §2-2; ntt-east-aws-ops:
/// the day operations start, §35-1; OPTAGE: the usage start date in the acceptance, §9).
/// <see cref="End"/>: nec-express5800's usage period end (§2-2, required); for the others a planned
/// end (cancellation date), optional.
/// <see cref="RemovalDate"/>: nec-express5800 only, the agreed equipment removal date (§29-1).
/// </summary>
public sealed record ContractDates(LocalDate Start, LocalDate? End = null, LocalDate? RemovalDate = null)
{
    /// <summary>
    /// The end was set by the provider's notice (eclect-aws §30-2, OPTAGE §29-3, §5-2), not by the
    /// customer's cancellation: it may fall on any day, so the customer's rules for the end (eclect-aws
    /// §27-1's 20th) do not apply to it.
    /// </summary>
    public bool EndedByProvider { get; init; }
}
