using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle;

/// <summary>Who receives the notices of a contract, and in which language (Japanese always; English added where preferred).</summary>
public sealed record Customer(string Name, string Email, Language Language = Language.Ja);

/// <summary>Where a contract is in its life.</summary>
public enum ContractStatus
{
    /// <summary>Running; no end is known or the end is the usage period's (nec-express5800).</summary>
    Active,

    /// <summary>An end date is known (cancellation received, provider termination): the contract runs to it.</summary>
    Ending,

    /// <summary>
    /// The provider suspended the service for non-payment (eclect-aws §21-1(1), NEC §19-1(1), NTT §34-1(1),
    /// OPTAGE §18(1)); the contract and its charges run on, and it resumes when no invoice is overdue
    /// (<see cref="ContractState.Suspension"/> keeps whether it resumes as active or ending).
    /// </summary>
    Suspended,

    /// <summary>The contract has ended; only its remaining milestones (payment due, confidentiality) follow.</summary>
    Closed,
}

/// <summary>
/// The prices and options a contract is billed with, fixed at registration (plans change through
/// <see cref="PlanChanged"/> events). Which fields a product needs is stated by its billing rules.
/// </summary>
public sealed record BillingProfile
{
    /// <summary>nec-express5800 §4-3: the monthly base fee.</summary>
    public decimal? BaseFee { get; init; }

    /// <summary>nec-express5800 §4-4: the price per metered unit.</summary>
    public decimal? UnitPrice { get; init; }

    /// <summary>ntt-east-aws-ops and OPTAGE: the plan at the start.</summary>
    public PlanSelection? Plan { get; init; }

    /// <summary>
    /// OPTAGE 別表2: volume (every component at the price of the count's band, the literal reading and
    /// the default, also for contracts stored before the setting existed) or graduated.
    /// </summary>
    public ComponentPricing ComponentPricing { get; init; }

    /// <summary>OPTAGE: components with the metric-limit relaxation option.</summary>
    public int MetricRelaxationComponents { get; init; }

    /// <summary>ntt-east-aws-ops §49: a qualified invoice is requested every month.</summary>
    public bool QualifiedInvoice { get; init; }

    /// <summary>ntt-east-aws-ops 別紙2 第1表: setup work billed with the first invoice.</summary>
    public IReadOnlyList<SetupItem> SetupItems { get; init; } = [];

    /// <summary>OPTAGE: payment due this many months after the charge month (default 1).</summary>
    public int? DueMonthsAfter { get; init; }
}

/// <summary>A plan in force from <see cref="EffectiveFrom"/> (ntt-east-aws-ops, OPTAGE).</summary>
public sealed record PlanPeriod(LocalDate EffectiveFrom, PlanSelection Selection);

/// <summary>A month's recorded usage; which fields matter depends on the product.</summary>
public sealed record MonthUsage(
    YearMonth Month,
    decimal? AwsUsageUsd = null,
    decimal? FxRate = null,
    decimal? AwsUsageJpy = null,
    decimal? Quantity = null,
    decimal? ResourceFee = null);

/// <summary>An outage reported for the invoice of <see cref="Month"/>.</summary>
public sealed record OutageRecord(YearMonth Month, decimal Hours, bool GrossNegligence, LocalDate? KnownOn, LocalDate? AppliedOn);

/// <summary>
/// An issued invoice not yet paid in full; <see cref="Outstanding"/> is what is still owed.
/// <see cref="BearsInterest"/>: paying it late owes late interest (not so for a late-interest invoice itself).
/// </summary>
public sealed record OpenInvoice(string Number, YearMonth Month, long Total, long Outstanding, LocalDate DueDate, int OverdueNoticesSent = 0, bool BearsInterest = true)
{
    /// <summary>
    /// The clause that set <see cref="DueDate"/> when it is not the invoice's own: a termination for
    /// non-payment made the amount due at once (期限の利益の喪失, eclect-aws §28-4). Null: the invoice's due date.
    /// </summary>
    public string? DueDateClause { get; init; }
}

/// <summary>
/// A suspension for non-payment the provider notified on <see cref="NoticeDate"/> under <see cref="Rule"/>
/// (<see cref="Clause"/>), from <see cref="From"/> (the notice day, or the day the notice states where the
/// clause asks for notice beforehand: NEC §19-2, NTT §34-2), because <see cref="Invoice"/> was overdue.
/// <see cref="InEffect"/>: the day has come and the status is <see cref="ContractStatus.Suspended"/>;
/// <see cref="ResumeTo"/> is the status the contract returns to when it resumes.
/// </summary>
public sealed record SuspensionRecord(string Rule, string Clause, LocalDate NoticeDate, LocalDate From, string Invoice)
{
    public bool InEffect { get; init; }

    public ContractStatus ResumeTo { get; init; } = ContractStatus.Active;
}

/// <summary>
/// A correction issued for <see cref="Original"/>: the document <see cref="Number"/> (credit note or corrected invoice),
/// the amounts each of the original's lines carries after it, its own total, <see cref="Charged"/> (what the customer is charged
/// for the original after it, tax included), and <see cref="Payable"/>, the document the customer owes
/// the corrected sum on (the original, or the latest corrected invoice that replaced it). <see cref="EventId"/> is the
/// request's id (Idempotency-Key), so a retry is answered with this document.
/// </summary>
public sealed record CorrectionRecord(string Original, string Number, Billing.InvoiceKind Kind, LocalDate IssuedOn, IReadOnlyList<long> LineAmounts, long Total, long Charged, string Payable)
{
    public string? EventId { get; init; }
}

/// <summary>The customer's cancellation as the terms resolved it.</summary>
public sealed record CancellationRecord(LocalDate NoticeDate, LocalDate RequestedDate, LocalDate EffectiveDate, string Clause);

/// <summary>
/// Everything the lifecycle decider knows about one contract. Changed only by
/// <see cref="LifecycleDecider.Decide"/>; <see cref="Version"/> grows by one with every change and is
/// the optimistic-concurrency token of the store.
/// </summary>
public sealed record ContractState
{
    public required string ContractId { get; init; }

    public required ProductCode Product { get; init; }

    public required Customer Customer { get; init; }

    /// <summary>Start, end (usage period end for nec-express5800, otherwise the end once known) and agreed removal date.</summary>
    public required ContractDates Dates { get; init; }

    public required Issuer Issuer { get; init; }

    public BillingProfile Profile { get; init; } = new();

    public ContractStatus Status { get; init; } = ContractStatus.Active;

    public LocalDate RegisteredOn { get; init; }

    /// <summary>Milestones and reminders dated up to and including this day have been handled.</summary>
    public LocalDate? ProcessedThrough { get; init; }

    /// <summary>The next day something is due (a milestone or a reminder); null when nothing is left.</summary>
    public LocalDate? NextWake { get; init; }

    public CancellationRecord? Cancellation { get; init; }

    /// <summary>The suspension for non-payment notified and not yet lifted (in effect or from a later day); null when none.</summary>
    public SuspensionRecord? Suspension { get; init; }

    /// <summary>The clause that set the end date when the provider ended the contract (§30-2, §29-3, §5-3).</summary>
    public string? ProviderEndClause { get; init; }

    /// <summary>Deadlines that events created (a cure period, a provider's stated end), each with its rule and clause.</summary>
    public IReadOnlyList<EventDeadline> Deadlines { get; init; } = [];

    /// <summary>nec-express5800: an early end of the usage period (§24 cancellation and the like).</summary>
    public NecTermination? Termination { get; init; }

    public IReadOnlyList<PlanPeriod> Plans { get; init; } = [];

    /// <summary>nec-express5800 §2-3: the latest extension request and NEC's decision on it.</summary>
    public ExtensionRecord? ExtensionRequest { get; init; }

    /// <summary>nec-express5800: prices agreed after registration (an approved extension), each from its day.</summary>
    public IReadOnlyList<PricePeriod> Prices { get; init; } = [];

    /// <summary>Usage recorded for months not yet invoiced.</summary>
    public IReadOnlyList<MonthUsage> Usage { get; init; } = [];

    public IReadOnlyList<OutageRecord> Outages { get; init; } = [];

    public IReadOnlyList<YearMonth> InvoicedMonths { get; init; } = [];

    public IReadOnlyList<OpenInvoice> OpenInvoices { get; init; } = [];

    /// <summary>Corrections issued (credit notes, corrected invoices), oldest first; an issued document never changes.</summary>
    public IReadOnlyList<CorrectionRecord> Corrections { get; init; } = [];

    /// <summary>How many documents were issued outside the monthly run (late interest); numbers the next one.</summary>
    public int SupplementaryDocuments { get; init; }

    /// <summary>Ids of the most recent events applied, so that a redelivered event changes nothing.</summary>
    public IReadOnlyList<string> RecentEventIds { get; init; } = [];

    public long Version { get; init; }

    /// <summary>The status apart from a suspension: what a suspended contract is otherwise (active, or ending on a known day).</summary>
    public ContractStatus StatusApartFromSuspension => Status == ContractStatus.Suspended ? Suspension?.ResumeTo ?? ContractStatus.Active : Status;

    /// <summary>The dates the lifecycle is planned with: an early nec-express5800 termination ends the usage period.</summary>
    public ContractDates PlanningDates => Termination is { } termination ? Dates with { End = termination.Date } : Dates;

    /// <summary>The plan in force on <paramref name="day"/>: the latest that took effect on or before it.</summary>
    public PlanSelection? PlanOn(LocalDate day) =>
        Plans.Where(p => p.EffectiveFrom <= day).OrderBy(p => p.EffectiveFrom).Select(p => p.Selection).LastOrDefault()
        ?? Plans.OrderBy(p => p.EffectiveFrom).Select(p => p.Selection).FirstOrDefault();
}
