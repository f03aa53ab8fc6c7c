using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle.Decider;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle;

/// <summary>
/// The lifecycle of one contract as a pure function: <c>Decide(state, trigger, today) → (state,
/// commands)</c>. No clock, no I/O: the same inputs give the same decision, so it runs inside a
/// Durable orchestrator, in the local host and in tests that travel years in milliseconds.
/// A trigger a contract rule refuses throws <see cref="ContractRuleException"/> and changes nothing.
/// This file keeps what every trigger shares — a redelivered event changes nothing, the status
/// table (<see cref="TriggerPolicy"/>), dispatch to the trigger's family, the days that passed
/// (<see cref="DueMilestones"/>) and versioning; each family (<c>Decider/*.cs</c>) states its rules.
/// </summary>
public static class LifecycleDecider
{
    /// <summary>How many event ids a contract remembers to ignore redeliveries.</summary>
    public const int RecentEventCapacity = 64;

    /// <summary>Plans reach this far past today, beyond the longest reminder lead.</summary>
    public static readonly Period Lookahead = DueMilestones.Lookahead;

    /// <summary>An overdue invoice is chased the day after its due date and then every this many days.</summary>
    public const int OverdueReminderIntervalDays = Payments.OverdueReminderIntervalDays;

    public static Decision Decide(ContractState state, Trigger trigger, LocalDate today)
    {
        if (trigger.EventId is { } id && state.RecentEventIds.Contains(id))
        {
            return new Decision(state, [], Consequence.Nothing(new Text($"イベント {id} は適用済みです", $"event {id} was already applied")));
        }

        // Figures outside their documented bounds never reach a rule, so no stored state can overflow a later invoice.
        AmountBounds.Check(trigger);
        TriggerPolicy.EnsureAllowed(state, trigger.GetType());
        var draft = new DecisionDraft(state, today);
        var (next, consequence) = trigger switch
        {
            Registered => Registration.Register(draft),
            TimerFired => new FamilyOutcome(state, new Consequence(new Text("期日の処理", "due milestones handled"))),
            CancellationRequested c => Cancellation.Cancel(draft, c),
            ExtensionRequested e => Extension.Request(draft, e),
            ExtensionDecided e => Extension.Decide(draft, e),
            PlanChanged p => PlanChanges.Change(draft, p),
            UsageRecorded u => Metering.RecordUsage(draft, u.Usage),
            OutageReported o => Metering.RecordOutage(draft, o.Outage),
            PaymentReceived p => Payments.Receive(draft, p),
            ProviderNoticeGiven n => ProviderNotices.Receive(draft, n),
            InvoiceMonth m => Invoicing.Issue(draft, m.Month),
            OverdueCheck => Payments.ChaseOverdue(draft),
            CorrectionRequested c => Corrections.Correct(draft, c),
            _ => throw new ArgumentOutOfRangeException(nameof(trigger), trigger.GetType().Name, "unknown trigger"),
        };

        next = DueMilestones.Advance(next, draft);
        next = NonPayment.Advance(next, draft);
        var commands = draft.Commands;
        // Only the processed-through day moved: nothing to store, the next round covers the same days again harmlessly.
        if (commands.Count == 0 && next with { ProcessedThrough = state.ProcessedThrough } == state)
        {
            return new Decision(state, [], consequence with { Changed = consequence.Changed && trigger is not TimerFired });
        }

        if (next.NextWake != state.NextWake)
        {
            commands.Add(new ScheduleWakeUp(next.NextWake) { ContractId = state.ContractId });
        }

        next = next with
        {
            Version = state.Version + 1,
            RecentEventIds = trigger.EventId is { } eventId ? [.. next.RecentEventIds.TakeLast(RecentEventCapacity - 1), eventId] : next.RecentEventIds,
        };
        return new Decision(next, commands, consequence);
    }

    /// <summary>
    /// The dates a customer is told at registration and a CRM shows beside the contract: its start,
    /// the first charged month, term ends, and the next notice, renewal, extension and removal deadlines.
    /// </summary>
    public static IReadOnlyList<Milestone> KeyDates(ContractState state, LocalDate today) => DueMilestones.KeyDates(state, today);

    /// <summary>
    /// What a cancellation notice given on <paramref name="notice"/> for <paramref name="requested"/>
    /// would lead to, changing nothing: the product's cancellation quote and the charges of the final month.
    /// </summary>
    public static CancellationWhatIf QuoteCancellation(ContractState state, LocalDate notice, LocalDate requested) =>
        Cancellation.Quote(state, notice, requested);

    /// <summary>A month is invoiced only once it has ended.</summary>
    public static void EnsureMonthEnded(YearMonth month, LocalDate today) => Guards.EnsureMonthEnded(month, today);
}
