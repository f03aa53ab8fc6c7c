using NodaTime;

namespace CloudLifecycle.Core.Contracts;

/// <summary>
/// What a cancellation notice given on <see cref="NoticeDate"/> for <see cref="RequestedDate"/>
/// results in. <see cref="NoticeDeadline"/> is the last day a notice for the requested date could
/// be given (null where the contract has no notice period); <see cref="RemainingMonths"/> counts
/// the months still owed after the effective date under <see cref="RemainingMonthsClause"/>.
/// </summary>
public sealed record CancellationQuote(
    ProductCode Product,
    LocalDate NoticeDate,
    LocalDate RequestedDate,
    LocalDate EffectiveDate,
    LocalDate? NoticeDeadline,
    bool NoticeOnTime,
    string Clause,
    int RemainingMonths,
    string? RemainingMonthsClause,
    Text Explanation);

/// <summary>The last day to ask for an extension of the usage period.</summary>
public sealed record ExtensionQuote(
    ProductCode Product,
    LocalDate UsagePeriodEnd,
    LocalDate Deadline,
    string Clause,
    Text Explanation);

/// <summary>
/// Equipment removal after the usage period: the removal deadline, the removal date (agreed, or
/// the latest possible when none is agreed yet), the day by which the date must be agreed, and
/// the end of confidentiality three years after the contract ends with the removal.
/// </summary>
public sealed record RemovalQuote(
    ProductCode Product,
    LocalDate UsagePeriodEnd,
    LocalDate RemovalDeadline,
    LocalDate RemovalDate,
    bool RemovalDateAgreed,
    LocalDate SchedulingDeadline,
    LocalDate ConfidentialityEnd,
    string Clause,
    Text Explanation);

/// <summary>A date that follows from one event by a contract rule (a cure period, a notice period…).</summary>
public sealed record DeadlineQuote(
    ProductCode Product,
    string Rule,
    LocalDate From,
    LocalDate Date,
    string Clause,
    Text Explanation);

/// <summary>Every milestone of a contract from its start through <see cref="Through"/>, sorted.</summary>
public sealed record LifecyclePlan(
    ProductCode Product,
    ContractDates Contract,
    LocalDate Through,
    IReadOnlyList<Milestone> Milestones);
