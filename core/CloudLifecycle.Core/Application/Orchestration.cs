using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Core.Application;

/// <summary>
/// What an orchestration round may do, and nothing else: the calls a Durable Functions
/// <c>TaskOrchestrationContext</c> offers, one to one. The local host and the tests implement it too,
/// so that the same round runs everywhere.
/// </summary>
public interface IWorkflowContext
{
    /// <summary>The orchestration's clock (Durable: <c>CurrentUtcDateTime</c>); the only time a round reads.</summary>
    Instant CurrentInstant { get; }

    Task CreateTimer(Instant fireAt, CancellationToken cancellationToken);

    Task<T> WaitForEvent<T>(string eventName, CancellationToken cancellationToken);

    Task<T> CallActivity<T>(string activityName, object? input);

    /// <summary>Ends this round and starts the next with <paramref name="input"/>.</summary>
    void ContinueAsNew(object? input);
}

/// <summary>
/// How a Durable host carries inputs, results and events: <see cref="LifecycleJson"/> text, so the
/// orchestration history holds the stores' JSON whatever serializer the worker is configured with.
/// </summary>
public static class WorkflowJson
{
    /// <summary>A value by its runtime type (a list of commands keeps its element type's discriminators).</summary>
    public static string Wrap(object? value) =>
        value is null ? "null" : System.Text.Json.JsonSerializer.Serialize(value, value.GetType(), LifecycleJson.Options);

    /// <summary>An event: always as a <see cref="Trigger"/>, so its kind travels with it.</summary>
    public static string WrapEvent(Trigger trigger) => LifecycleJson.Serialize(trigger);

    /// <summary>Reads back what <see cref="Wrap"/> wrote; "null" is a null result (a contract not found).</summary>
    public static T Unwrap<T>(string json) => System.Text.Json.JsonSerializer.Deserialize<T>(json, LifecycleJson.Options)!;
}

/// <summary>What a round carries into the next: which contract, and when its timer fires (null: events only).</summary>
public sealed record RoundInput(string ContractId, LocalDate? NextWake);

/// <summary>The activities a round calls; the Durable adapter registers one function per name.</summary>
public static class ActivityNames
{
    public const string LoadContract = nameof(LoadContract);
    public const string ExecuteCommands = nameof(ExecuteCommands);
    public const string SaveContract = nameof(SaveContract);
    public const string RecordRefusal = nameof(RecordRefusal);
    public const string AcknowledgeEvent = nameof(AcknowledgeEvent);
}

/// <summary>The input of <see cref="ActivityNames.AcknowledgeEvent"/>: the event a round has dealt with.</summary>
public sealed record EventAcknowledgement(string ContractId, string EventId);

/// <summary>The input of <see cref="ActivityNames.SaveContract"/>: the new state and the ETag it was decided from.</summary>
public sealed record SaveRequest(ContractState State, string ETag, LocalDate? PreviousWake);

/// <summary>An event a contract rule refused inside a round: kept in the history, never lost silently.</summary>
public sealed record RefusalRecord(string ContractId, LocalDate Date, Trigger Trigger, string Field, string Reason, string? Clause);

/// <summary>
/// One round of a contract's orchestration: wait for its timer or an event (the loser is cancelled),
/// load the state, decide, run the commands as activities, save, and continue as new. Refused events
/// are recorded, not retried. A save that lost a race is decided again from the fresh state
/// (every command is idempotent, so repeating them is harmless). An event with an id is acknowledged
/// once dealt with (applied, refused or already applied), so that nothing raised is left pending.
/// </summary>
public static class LifecycleRound
{
    public const string EventName = "ContractEvent";

    public const int MaxSaveAttempts = 5;

    public static async Task RunAsync(IWorkflowContext context, RoundInput input)
    {
        var trigger = await NextTriggerAsync(context, input).ConfigureAwait(true);
        var today = Tokyo.Today(context.CurrentInstant);
        for (var attempt = 1; ; attempt++)
        {
            var stored = await context.CallActivity<StoredContract?>(ActivityNames.LoadContract, input.ContractId).ConfigureAwait(true);
            if (stored is null)
            {
                // The contract is unknown (never stored): nothing to carry on.
                await AcknowledgeAsync(context, input, trigger).ConfigureAwait(true);
                return;
            }

            Decision decision;
            try
            {
                // Figures outside their documented bounds are refused before the decider could store them.
                AmountBounds.Check(trigger);
                decision = LifecycleDecider.Decide(stored.State, trigger, today);
            }
            catch (ContractRuleException refused)
            {
                await context.CallActivity<bool>(ActivityNames.RecordRefusal,
                    new RefusalRecord(input.ContractId, today, trigger, refused.Field, refused.Reason, refused.Clause)).ConfigureAwait(true);
                await AcknowledgeAsync(context, input, trigger).ConfigureAwait(true);
                context.ContinueAsNew(new RoundInput(input.ContractId, stored.State.NextWake));
                return;
            }

            if (decision.Commands.Count > 0)
            {
                await context.CallActivity<bool>(ActivityNames.ExecuteCommands, decision.Commands).ConfigureAwait(true);
            }

            var saved = decision.State.Version == stored.State.Version
                || await context.CallActivity<bool>(ActivityNames.SaveContract, new SaveRequest(decision.State, stored.ETag, stored.State.NextWake)).ConfigureAwait(true);
            if (saved)
            {
                await AcknowledgeAsync(context, input, trigger).ConfigureAwait(true);
                context.ContinueAsNew(new RoundInput(input.ContractId, decision.State.NextWake));
                return;
            }

            if (attempt == MaxSaveAttempts)
            {
                throw new ConcurrencyException(input.ContractId);
            }
        }
    }

    private static async Task AcknowledgeAsync(IWorkflowContext context, RoundInput input, Trigger trigger)
    {
        // Only raised events carry an id; the contract's own timer has nothing pending to clear.
        if (trigger.EventId is { } eventId)
        {
            await context.CallActivity<bool>(ActivityNames.AcknowledgeEvent, new EventAcknowledgement(input.ContractId, eventId)).ConfigureAwait(true);
        }
    }

    private static async Task<Trigger> NextTriggerAsync(IWorkflowContext context, RoundInput input)
    {
        using var cancel = new CancellationTokenSource();
        var eventTask = context.WaitForEvent<Trigger>(EventName, cancel.Token);
        if (input.NextWake is not { } wake)
        {
            return await eventTask.ConfigureAwait(true);
        }

        var timerTask = context.CreateTimer(Tokyo.WakeInstant(wake), cancel.Token);
        var winner = await Task.WhenAny(eventTask, timerTask).ConfigureAwait(true);
        // Every durable timer must fire or be cancelled, and a pending event wait must not outlive the round.
        // Cancelled synchronously: a Durable orchestrator must not hop to another thread (CancelAsync may).
#pragma warning disable CA1849
        cancel.Cancel();
#pragma warning restore CA1849
        return winner == eventTask ? await eventTask.ConfigureAwait(true) : new TimerFired();
    }
}
