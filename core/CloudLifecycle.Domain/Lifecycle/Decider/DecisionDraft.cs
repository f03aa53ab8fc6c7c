using NodaTime;

namespace CloudLifecycle.Core.Lifecycle.Decider;

/// <summary>
/// One decision while it is being made: the state the trigger found, the day, and the commands
/// gathered so far. Each trigger family adds to it; only <see cref="LifecycleDecider"/> turns it
/// into a <see cref="Decision"/> (versioning, the wake-up, the remembered event id).
/// </summary>
internal sealed class DecisionDraft(ContractState before, LocalDate today)
{
    public ContractState Before { get; } = before;

    public LocalDate Today { get; } = today;

    public List<LifecycleCommand> Commands { get; } = [];

    /// <summary>
    /// The date a document issued by this decision carries (発行日): the day it is actually issued — today, never a
    /// deadline ahead (eclect-aws §16-1 is a milestone, not a date to print) and never before the contract was
    /// registered (a run dated earlier than the registration, <c>run-month --as-of</c>, cannot issue in the past).
    /// </summary>
    public LocalDate IssueDay => Today < Before.RegisteredOn ? Before.RegisteredOn : Today;

    /// <summary>Appends a line to the contract's history (a milestone reached, an event, an invoice).</summary>
    public void Record(HistoryEntry entry) => Commands.Add(new RecordHistory(entry) { ContractId = Before.ContractId });

    /// <summary>Puts a notice in the outbox.</summary>
    public void Enqueue(Notice notice) => Commands.Add(new EnqueueNotice(notice) { ContractId = Before.ContractId });

    public void Add(LifecycleCommand command) => Commands.Add(command);

    /// <summary>
    /// Issues one document (the month's invoice, a late-interest invoice, a payout statement): stores it,
    /// writes its history line and tells the customer. What it leaves open is the caller's to say.
    /// </summary>
    public void Issue(Billing.Invoice document, string historyKind, string historyClause, Contracts.Text history)
    {
        Add(new IssueInvoice(document, Before.Customer.Language) { ContractId = Before.ContractId });
        Record(new HistoryEntry($"invoice/{document.Number}", Today, historyKind, historyClause, history));
        Enqueue(NoticeComposer.InvoiceIssued(Before, document, Today));
    }
}

/// <summary>What a trigger family decided: the state after it and the consequence a caller is shown.</summary>
internal readonly record struct FamilyOutcome(ContractState State, Consequence Consequence)
{
    public static implicit operator FamilyOutcome((ContractState State, Consequence Consequence) pair) => new(pair.State, pair.Consequence);
}
