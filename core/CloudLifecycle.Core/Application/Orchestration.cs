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

    /// <summary>Runs another orchestration as a child of this one and returns its result (its history is its own).</summary>
    Task<T> CallSubOrchestrator<T>(string orchestratorName, object? input);

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
    /// <summary>Runs a list of commands (kept for rounds scheduled before <see cref="CompleteCommands"/> existed).</summary>
    public const string ExecuteCommands = nameof(ExecuteCommands);
    public const string CompleteCommands = nameof(CompleteCommands);
    public const string SaveContract = nameof(SaveContract);
    public const string RecordRefusal = nameof(RecordRefusal);
    public const string AcknowledgeEvent = nameof(AcknowledgeEvent);
}

/// <summary>The input of <see cref="ActivityNames.AcknowledgeEvent"/>: the event a round has dealt with.</summary>
public sealed record EventAcknowledgement(string ContractId, string EventId);

/// <summary>
/// The input of <see cref="ActivityNames.SaveContract"/>: the new state, the ETag it was decided from, and the
/// decision's commands, stored with the state as pending (none when absent, as in a history written before them).
/// </summary>
public sealed record SaveRequest(ContractState State, string ETag, LocalDate? PreviousWake)
{
    public IReadOnlyList<LifecycleCommand> Commands { get; init; } = [];
}

/// <summary>The input of <see cref="ActivityNames.CompleteCommands"/>: the commands a contract's stored decision (its version) left pending.</summary>
public sealed record CommandCompletion(string ContractId, long Version, IReadOnlyList<LifecycleCommand> Commands)
{
    public static CommandCompletion Of(StoredContract stored) => new(stored.State.ContractId, stored.State.Version, stored.PendingCommands);
}

/// <summary>An event a contract rule refused inside a round: kept in the history, never lost silently.</summary>
public sealed record RefusalRecord(string ContractId, LocalDate Date, Trigger Trigger, string Field, string Reason, string? Clause);

/// <summary>
/// One round of a contract's orchestration: wait for its timer or an event (the loser is cancelled),
/// load the state, complete the commands a previous decision left pending, decide, save the new state
/// with the decision's commands pending (one ETag-guarded write: the row is its own outbox), then run
/// them and clear them, and continue as new. Nothing happens for a decision that was not stored: a save
/// that lost a race is decided again from the fresh state, and the losing decision's commands are dropped
/// unrun. A crash after the save loses nothing: the commands stay on the row until a round (this one
/// replayed, or the contract's next) completes them; each is an upsert under a deterministic key.
/// Refused events are recorded, not retried. An event with an id is acknowledged once dealt with
/// (applied, refused or already applied), so that nothing raised is left pending.
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
            var stored = await LoadCompletedAsync(context, input.ContractId).ConfigureAwait(true);
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

            // An unchanged state comes with no commands: nothing to save or run.
            var saved = decision.State.Version == stored.State.Version
                || await context.CallActivity<bool>(ActivityNames.SaveContract,
                    new SaveRequest(decision.State, stored.ETag, stored.State.NextWake) { Commands = decision.Commands }).ConfigureAwait(true);
            if (saved)
            {
                if (decision.Commands.Count > 0)
                {
                    await context.CallActivity<bool>(ActivityNames.CompleteCommands,
                        new CommandCompletion(input.ContractId, decision.State.Version, decision.Commands)).ConfigureAwait(true);
                }

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

    /// <summary>
    /// The stored contract with nothing pending: the commands its stored decision left (a crash after the save) are run
    /// and cleared first, and the row read again, because a new state must never be saved over commands not yet run.
    /// </summary>
    private static async Task<StoredContract?> LoadCompletedAsync(IWorkflowContext context, string contractId)
    {
        var stored = await context.CallActivity<StoredContract?>(ActivityNames.LoadContract, contractId).ConfigureAwait(true);
        for (var completed = 0; stored is { PendingCommands.Count: > 0 }; completed++)
        {
            if (completed == MaxSaveAttempts)
            {
                // Other writers keep storing decisions faster than this round can run them.
                throw new ConcurrencyException(contractId);
            }

            await context.CallActivity<bool>(ActivityNames.CompleteCommands, CommandCompletion.Of(stored)).ConfigureAwait(true);
            stored = await context.CallActivity<StoredContract?>(ActivityNames.LoadContract, contractId).ConfigureAwait(true);
        }

        return stored;
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
