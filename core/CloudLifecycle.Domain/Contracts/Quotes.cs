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

/// <summary>
/// A date that follows from one event by a contract rule (a cure period, a notice period…), or
/// read backwards, the last day for the event that reaches a given date. <see cref="FromMeaning"/>
/// and <see cref="DateMeaning"/> say what the two dates are; <see cref="PeriodLastDay"/> is the last
/// day of the period the clause counts when <see cref="Date"/> is the day after it (a cure period's
/// last day, then the day termination becomes possible).
/// </summary>
public sealed record DeadlineQuote(
    ProductCode Product,
    string Rule,
    LocalDate From,
    LocalDate Date,
    string Clause,
    Text Explanation,
    string FromMeaning = "",
    string DateMeaning = "",
    LocalDate? PeriodLastDay = null);

/// <summary>
/// A provider's notice that ends the service or the contract on the day it states
/// (<see cref="End"/>), checked against the earliest end the clause allows after a notice on
/// <see cref="NoticeDate"/> (<see cref="EarliestEnd"/>).
/// </summary>
public sealed record ProviderEndQuote(
    ProductCode Product,
    string Rule,
    LocalDate NoticeDate,
    LocalDate EarliestEnd,
    LocalDate End,
    string Clause,
    Text Explanation);

/// <summary>Every milestone of a contract from its start through <see cref="Through"/>, sorted.</summary>
public sealed record LifecyclePlan(
    ProductCode Product,
    ContractDates Contract,
    LocalDate Through,
    IReadOnlyList<Milestone> Milestones);
