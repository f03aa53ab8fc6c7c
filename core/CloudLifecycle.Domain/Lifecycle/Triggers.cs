using System.Text.Json.Serialization;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle;

/// <summary>
/// What wakes a contract: its own timer or an event from the CRM, the monthly run or the daily
/// check. <see cref="EventId"/> identifies an event so that a redelivery is applied once.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(Registered), "registered")]
[JsonDerivedType(typeof(TimerFired), "timerFired")]
[JsonDerivedType(typeof(CancellationRequested), "cancellationRequested")]
[JsonDerivedType(typeof(ExtensionRequested), "extensionRequested")]
[JsonDerivedType(typeof(ExtensionDecided), "extensionDecided")]
[JsonDerivedType(typeof(PlanChanged), "planChanged")]
[JsonDerivedType(typeof(UsageRecorded), "usageRecorded")]
[JsonDerivedType(typeof(OutageReported), "outageReported")]
[JsonDerivedType(typeof(PaymentReceived), "paymentReceived")]
[JsonDerivedType(typeof(ProviderNoticeGiven), "providerNotice")]
[JsonDerivedType(typeof(InvoiceMonth), "invoiceMonth")]
[JsonDerivedType(typeof(OverdueCheck), "overdueCheck")]
[JsonDerivedType(typeof(CorrectionRequested), "correctionRequested")]
public abstract record Trigger
{
    public string? EventId { get; init; }
}

/// <summary>The contract was registered: announce it with its key dates and plan its timers.</summary>
public sealed record Registered : Trigger;

/// <summary>The contract's timer (<see cref="ContractState.NextWake"/>) fired.</summary>
public sealed record TimerFired : Trigger;

/// <summary>The customer asked to cancel: notice given on <see cref="NoticeDate"/> for <see cref="RequestedDate"/>.</summary>
public sealed record CancellationRequested(LocalDate NoticeDate, LocalDate RequestedDate) : Trigger;

/// <summary>
/// nec-express5800 §2-3: the customer asked on <see cref="RequestDate"/> to extend the usage period to
/// <see cref="NewEnd"/>. Recorded as pending: NEC decides (<see cref="ExtensionDecided"/>).
/// </summary>
public sealed record ExtensionRequested(LocalDate RequestDate, LocalDate NewEnd) : Trigger;

/// <summary>
/// nec-express5800 §2-3: NEC decided on <see cref="DecidedOn"/> on the pending extension request —
/// approved with the agreed <see cref="NewEnd"/> (and, where agreed, new prices from the day after the
/// previous end), or declined (the contract runs to its end as planned).
/// </summary>
public sealed record ExtensionDecided(LocalDate DecidedOn, bool Approved, LocalDate? NewEnd = null, decimal? NewBaseFee = null, decimal? NewUnitPrice = null) : Trigger;

/// <summary>ntt-east-aws-ops / OPTAGE: a new plan from <see cref="EffectiveFrom"/>.</summary>
public sealed record PlanChanged(LocalDate EffectiveFrom, string Plan, int Components, bool Windows = false) : Trigger;

/// <summary>A month's usage (replaces what was recorded for that month before it is invoiced).</summary>
public sealed record UsageRecorded(MonthUsage Usage) : Trigger;

/// <summary>An outage, credited on the invoice of <see cref="OutageRecord.Month"/>.</summary>
public sealed record OutageReported(OutageRecord Outage) : Trigger;

/// <summary>The customer paid <see cref="Amount"/> yen of <see cref="InvoiceNumber"/> on <see cref="PaidOn"/>.</summary>
public sealed record PaymentReceived(string InvoiceNumber, LocalDate PaidOn, long Amount) : Trigger;

/// <summary>
/// The provider gave notice under one of the product's deadline rules (eclect-aws discontinuation
/// §30-2, OPTAGE provider termination §29-3 or website posting §5-3, a breach notice's cure period):
/// the date the notice states (<see cref="StatedDate"/>: the end, or the last day to cure), no earlier
/// than the rule allows; without one, the earliest date the rule allows.
/// </summary>
public sealed record ProviderNoticeGiven(string Rule, LocalDate NoticeDate, LocalDate? StatedDate = null) : Trigger;

/// <summary>The monthly invoice run asks for the invoice of <see cref="Month"/>.</summary>
public sealed record InvoiceMonth(YearMonth Month) : Trigger;

/// <summary>The daily check of invoices past their due date.</summary>
public sealed record OverdueCheck : Trigger;

/// <summary>The corrected amount of one line of an invoice (1-based, in the document's order).</summary>
public sealed record LineCorrection(int Line, long Amount);

/// <summary>
/// An operator or the CRM asks to correct the issued document <see cref="InvoiceNumber"/> on <see cref="RequestedOn"/>:
/// a credit note (適格返還請求書) lowering some lines, a corrected invoice (修正した適格請求書) reissuing it with corrected
/// amounts, or <see cref="CancelInFull"/> (a credit note returning everything still charged). <see cref="Original"/> is the
/// document as issued, read from the invoice store by the caller (the decider keeps only what corrections changed).
/// </summary>
public sealed record CorrectionRequested(string InvoiceNumber, LocalDate RequestedOn, Billing.InvoiceKind Kind, string Reason, IReadOnlyList<LineCorrection> Lines, bool CancelInFull = false) : Trigger
{
    public Billing.Invoice? Original { get; init; }
}
