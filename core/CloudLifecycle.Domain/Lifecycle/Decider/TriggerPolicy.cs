using CloudLifecycle.Core.Contracts;

namespace CloudLifecycle.Core.Lifecycle.Decider;

/// <summary>
/// Which trigger a contract accepts in which status, as one table. A trigger the table does not
/// allow is refused before any rule runs, naming the field the caller sent and the clause under
/// which the contract reached that status (a conflict: the request is sound, the contract's state
/// forbids it). Facts about the past (usage, outages, payments) and the runs (timer, invoicing,
/// overdue check) are accepted in every status: a closed contract still owes its last invoices.
/// </summary>
internal static class TriggerPolicy
{
    private static readonly ContractStatus[] Every = Enum.GetValues<ContractStatus>();
    private static readonly ContractStatus[] WhileOpen = [ContractStatus.Active, ContractStatus.Ending];

    /// <summary>The trigger, the field a refusal names, and the statuses it is accepted in.</summary>
    private static readonly IReadOnlyDictionary<Type, (string Field, ContractStatus[] Allowed)> Table = new Dictionary<Type, (string, ContractStatus[])>
    {
        [typeof(Registered)] = ("contractId", Every),
        [typeof(TimerFired)] = (string.Empty, Every),
        [typeof(CancellationRequested)] = ("cancellation", WhileOpen),
        [typeof(ExtensionRequested)] = ("extension", WhileOpen),
        [typeof(ExtensionDecided)] = ("extension", WhileOpen),
        [typeof(PlanChanged)] = ("plan", WhileOpen),
        [typeof(UsageRecorded)] = ("usage", Every),
        [typeof(OutageReported)] = ("outage", Every),
        [typeof(PaymentReceived)] = ("invoiceNumber", Every),
        [typeof(ProviderNoticeGiven)] = ("rule", WhileOpen),
        [typeof(InvoiceMonth)] = ("month", Every),
        [typeof(OverdueCheck)] = (string.Empty, Every),
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

    /// <summary>The clause that ended the contract: the other party's notice, the customer's cancellation, or none known.</summary>
    private static string? EndClause(ContractState state) =>
        state.Deadlines.FirstOrDefault(d => d.Effect == DeadlineEffect.EndsContract)?.Milestone.Clause
        ?? state.ProviderEndClause
        ?? state.Cancellation?.Clause;
}
