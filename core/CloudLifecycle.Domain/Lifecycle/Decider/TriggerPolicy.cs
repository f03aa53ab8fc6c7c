using CloudLifecycle.Core.Contracts;

namespace CloudLifecycle.Core.Lifecycle.Decider;

/// <summary>
/// Which trigger a contract accepts in which status, as one table. A trigger the table does not
/// allow is refused before any rule runs, naming the field the caller sent and the clause under
/// which the contract reached that status (a conflict: the request is sound, the contract's state
/// forbids it). Facts about the past (usage, outages, payments) and the runs (timer, invoicing,
/// overdue check) are accepted in every status: a closed contract still owes its last invoices, and a
/// suspended one is still charged (eclect-aws §14-2, NTT §35-2, OPTAGE §24-2(1)/§25; NEC's fees run for
/// the usage period, §11-3(12)) and resumes by a payment. A suspended contract still takes the
/// customer's cancellation and extension request (the notice periods run on: refusing them would make
/// the customer miss a deadline) and the provider's notices (termination, §16(1) for NTT); not a plan change.
/// </summary>
internal static class TriggerPolicy
{
    private static readonly ContractStatus[] Every = Enum.GetValues<ContractStatus>();
    private static readonly ContractStatus[] WhileOpen = [ContractStatus.Active, ContractStatus.Ending, ContractStatus.Suspended];

    /// <summary>
    /// Open and not suspended. A plan change is a change of the service the provider accepts; while it
    /// is suspended for the customer's non-payment we refuse it (our policy: the terms say nothing of
    /// it, and a downgrade then would lower the charges that run on during the suspension, eclect-aws
    /// §14-2, NTT §35-2, OPTAGE §25). Paying ends the suspension and the change can be made.
    /// </summary>
    private static readonly ContractStatus[] WhileServed = [ContractStatus.Active, ContractStatus.Ending];

    /// <summary>The trigger, the field a refusal names, and the statuses it is accepted in.</summary>
    private static readonly IReadOnlyDictionary<Type, (string Field, ContractStatus[] Allowed)> Table = new Dictionary<Type, (string, ContractStatus[])>
    {
        [typeof(Registered)] = ("contractId", Every),
        [typeof(TimerFired)] = (string.Empty, Every),
        [typeof(CancellationRequested)] = ("cancellation", WhileOpen),
        [typeof(ExtensionRequested)] = ("extension", WhileOpen),
        [typeof(ExtensionDecided)] = ("extension", WhileOpen),
        [typeof(PlanChanged)] = ("plan", WhileServed),
        [typeof(UsageRecorded)] = ("usage", Every),
        [typeof(OutageReported)] = ("outage", Every),
        [typeof(PaymentReceived)] = ("invoiceNumber", Every),
        [typeof(ProviderNoticeGiven)] = ("rule", WhileOpen),
        [typeof(InvoiceMonth)] = ("month", Every),
        [typeof(OverdueCheck)] = (string.Empty, Every),
        // A closed contract's invoices can still be wrong: §57-4(4) asks for the corrected document whenever an error is found.
        [typeof(CorrectionRequested)] = ("invoiceNumber", Every),
    };

    /// <summary>Every trigger type the decider knows; a new trigger must be given a row.</summary>
    public static IEnumerable<Type> Triggers => Table.Keys;

    public static bool Allows(ContractStatus status, Type trigger) => Row(trigger).Allowed.Contains(status);

    /// <summary>Refuses <paramref name="trigger"/> when the table does not allow it in the contract's status.</summary>
    public static void EnsureAllowed(ContractState state, Type trigger)
    {
        var (field, allowed) = Row(trigger);
        if (!allowed.Contains(state.Status))
        {
            throw new ContractRuleException(field, Reason(state), EndClause(state), RefusalKind.Conflict);
        }
    }

    private static (string Field, ContractStatus[] Allowed) Row(Type trigger) =>
        Table.TryGetValue(trigger, out var row)
            ? row
            : throw new ArgumentOutOfRangeException(nameof(trigger), trigger.Name, "unknown trigger");

    private static string Reason(ContractState state) => state.Status switch
    {
        ContractStatus.Closed => $"contract {state.ContractId} has already ended",
        _ => $"contract {state.ContractId} is {state.Status.ToString().ToLowerInvariant()}",
    };

    /// <summary>The clause behind the status: the suspension's; or what ended the contract: the other party's notice, the customer's cancellation, or none known.</summary>
    private static string? EndClause(ContractState state) =>
        state.Status == ContractStatus.Suspended ? state.Suspension?.Clause :
        state.Deadlines.FirstOrDefault(d => d.Effect == DeadlineEffect.EndsContract)?.Milestone.Clause
        ?? state.ProviderEndClause
        ?? state.Cancellation?.Clause;
}
