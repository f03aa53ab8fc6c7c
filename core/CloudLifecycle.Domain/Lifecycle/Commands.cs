using System.Text.Json.Serialization;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle;

/// <summary>What the host must do after a decision. Each command is idempotent: running it twice has the effect of running it once.</summary>
/// <remarks>
/// <see cref="RecordHistory"/> keeps its first discriminator, <c>recordMilestone</c>: commands stored in the
/// Durable history and in activity payloads before the rename still read.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RecordHistory), "recordMilestone")]
[JsonDerivedType(typeof(EnqueueNotice), "enqueueNotice")]
[JsonDerivedType(typeof(IssueInvoice), "issueInvoice")]
[JsonDerivedType(typeof(ScheduleWakeUp), "scheduleWakeUp")]
[JsonDerivedType(typeof(CloseContract), "closeContract")]
[JsonDerivedType(typeof(StoreUsage), "storeUsage")]
public abstract record LifecycleCommand
{
    public required string ContractId { get; init; }
}

/// <summary>
/// Append to the contract's history (audit trail): a milestone reached, an event received or refused,
/// an invoice issued. <see cref="HistoryEntry.Key"/> makes a repeat harmless.
/// </summary>
public sealed record RecordHistory(HistoryEntry Entry) : LifecycleCommand;

/// <summary>Store a notice in the outbox; it is delivered later, once, under its stable id.</summary>
public sealed record EnqueueNotice(Notice Notice) : LifecycleCommand;

/// <summary>Store the invoice and its renderings (HTML, JSON) under its deterministic number.</summary>
public sealed record IssueInvoice(Invoice Invoice, Language Language = Language.Ja) : LifecycleCommand;

/// <summary>Keep the month's usage as recorded (the usage table), beside the state that bills it.</summary>
public sealed record StoreUsage(MonthUsage Usage) : LifecycleCommand;

/// <summary>Wake the contract on <see cref="Date"/> (null: nothing is due any more; events still wake it).</summary>
public sealed record ScheduleWakeUp(LocalDate? Date) : LifecycleCommand;

/// <summary>The contract has ended on <see cref="Date"/> under <see cref="Clause"/>.</summary>
public sealed record CloseContract(LocalDate Date, string Clause, Text Reason) : LifecycleCommand;

/// <summary>
/// One line of a contract's history: a milestone reached, an event received, an invoice issued,
/// a notice sent. <see cref="Key"/> is unique per contract and deterministic.
/// </summary>
public sealed record HistoryEntry(string Key, LocalDate Date, string Kind, string Clause, Text Description);

/// <summary>
/// The outcome of one decision: the new state, the commands to run, and the consequence a caller
/// can show (an effective date, an invoice, a reason nothing happened).
/// </summary>
public sealed record Decision(ContractState State, IReadOnlyList<LifecycleCommand> Commands, Consequence Consequence);

/// <summary>What a decision meant, for the CRM, the run report and the CLI: a sentence with its clause, and the figures.</summary>
public sealed record Consequence(Text Summary, string? Clause = null, LocalDate? EffectiveDate = null, long? Amount = null, string? InvoiceNumber = null, bool Changed = true)
{
    public static Consequence Nothing(Text why) => new(why, Changed: false);
}

/// <summary>A cancellation quote with the charges of the final month it leads to (early termination, remaining months).</summary>
public sealed record CancellationWhatIf(CancellationQuote Quote, IReadOnlyList<InvoiceLine> Charges)
{
    public long ChargesTotal => Charges.Sum(c => c.Amount);
}
