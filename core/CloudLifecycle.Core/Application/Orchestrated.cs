using System.Security.Cryptography;
using System.Text;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Core.Application;

/// <summary>The orchestrations of the Azure host: their function names and their instance ids.</summary>
public static class Orchestrations
{
    /// <summary>One per contract, for its whole life (<see cref="LifecycleRound"/>).</summary>
    public const string Contract = "ContractOrchestrator";

    /// <summary>One per invoiced month (<see cref="BillingRunOrchestration"/>).</summary>
    public const string BillingRun = "BillingRunOrchestrator";

    /// <summary>A segment of a month's run, a sub-orchestration of it (<see cref="BillingSegmentOrchestration"/>).</summary>
    public const string BillingSegment = "BillingSegmentOrchestrator";

    /// <summary>One per Tokyo day: the daily overdue check fanned out over batches (<see cref="OverdueCheckOrchestration"/>).</summary>
    public const string OverdueCheck = "OverdueCheckOrchestrator";

    /// <summary>What every contract's instance id starts with, and no other instance's.</summary>
    public const string ContractPrefix = "contract-";

    private const string BillingRunPrefix = "billing-run-";

    private const string OverdueCheckPrefix = "overdue-check-";

    /// <summary>
    /// A contract's instance id. Contract ids are letters, digits, '-', '_' and '.' (at most 64), all
    /// allowed in an instance id, so the id is the contract id behind a prefix: readable in the
    /// Durable monitor, and the same on every call, so that a start or an event finds the one instance.
    /// </summary>
    public static string ContractInstance(string contractId) => ContractPrefix + contractId;

    /// <summary>The contract of an instance id, or null for another kind of instance.</summary>
    public static string? ContractOf(string instanceId) =>
        instanceId.StartsWith(ContractPrefix, StringComparison.Ordinal) ? instanceId[ContractPrefix.Length..] : null;

    /// <summary>A month's run: starting the same month twice finds the running instance.</summary>
    public static string BillingRunInstance(YearMonth month) => $"{BillingRunPrefix}{month:uuuu-MM}";

    /// <summary>A day's overdue check: a second firing on the same day finds the running (or completed) instance.</summary>
    public static string OverdueCheckInstance(LocalDate today) => $"{OverdueCheckPrefix}{LifecycleJson.Iso(today)}";
}

/// <summary>
/// The Durable client as the application needs it (implemented over <c>DurableTaskClient</c> in the
/// Functions app): start an orchestration unless it runs, raise an event to it.
/// </summary>
public interface IOrchestrationClient
{
    /// <summary>
    /// Starts <paramref name="orchestrator"/> as <paramref name="instanceId"/> unless an instance of
    /// that id is pending, running or suspended; a completed, failed or terminated one is replaced.
    /// Returns true when it started one.
    /// </summary>
    Task<bool> EnsureRunningAsync(string orchestrator, string instanceId, object input, CancellationToken cancellationToken = default);

    /// <summary>
    /// Raises <see cref="LifecycleRound.EventName"/> to an instance that is pending, running or suspended.
    /// Returns false, having raised nothing, when the instance does not run (none, completed, failed or
    /// terminated): Azure Storage refuses such a raise ("Cannot raise event … because instance is in …
    /// state") and other back ends drop it, so the caller keeps the event pending and starts the instance.
    /// </summary>
    Task<bool> RaiseEventAsync(string instanceId, Trigger trigger, CancellationToken cancellationToken = default);

    /// <summary>
    /// Instances whose id starts with <paramref name="instanceIdPrefix"/> and that have stopped for good
    /// (failed or terminated), at most <paramref name="max"/>: a contract's orchestration is never meant to.
    /// </summary>
    Task<IReadOnlyList<string>> StoppedInstancesAsync(string instanceIdPrefix, int max, CancellationToken cancellationToken = default);
}

/// <summary>
/// Contract events on the Azure host: decided first as a what-if (a refusal throws and nothing is
/// stored), stored as pending, then raised to the contract's orchestration, whose round applies and
/// acknowledges it. The answer comes once the event is stored; <see cref="PendingEventReconciler"/>
/// raises again whatever a round has not acknowledged, so an event is never lost, and its id makes a
/// second delivery harmless.
/// </summary>
public sealed class OrchestratedContractEvents(LifecycleStores stores, IOrchestrationClient orchestrations, IClock clock) : IContractEvents
{
    private readonly ContractActivities activities = new(stores, clock);

    public LocalDate Today => Tokyo.Today(clock.GetCurrentInstant());

    /// <summary>
    /// Registers a contract and starts its orchestration. A marker is stored first, so that a host
    /// stopped between storing the contract and starting the orchestration is finished by the reconciler.
    /// </summary>
    public async Task<Decision> RegisterAsync(ContractRegistration registration, CancellationToken cancellationToken = default)
    {
        var contractId = registration.ToState().ContractId;
        var marker = Pending(contractId, ContractActivities.RegisteredEventId(contractId), trigger: null);
        await stores.PendingEvents.PutAsync(marker, cancellationToken).ConfigureAwait(false);
        Decision decision;
        try
        {
            decision = await activities.RegisterAsync(registration, Today, cancellationToken).ConfigureAwait(false);
        }
        catch (ContractRuleException)
        {
            // Refused (or taken): this call started nothing, so it leaves nothing pending.
            await stores.PendingEvents.RemoveAsync(contractId, marker.EventId, cancellationToken).ConfigureAwait(false);
            throw;
        }

        await orchestrations.EnsureRunningAsync(Orchestrations.Contract, Orchestrations.ContractInstance(contractId),
            new RoundInput(contractId, decision.State.NextWake), cancellationToken).ConfigureAwait(false);
        await stores.PendingEvents.RemoveAsync(contractId, marker.EventId, cancellationToken).ConfigureAwait(false);
        return decision;
    }

    public async Task<Decision> RaiseAsync(string contractId, Trigger trigger, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        AmountBounds.Check(trigger);
        var stored = await activities.LoadForEventAsync(contractId, expectedVersion, cancellationToken).ConfigureAwait(false);

        var identified = trigger.EventId is null ? trigger with { EventId = DerivedEventId(contractId, trigger, stored.State.Version) } : trigger;
        var ahead = await WithPendingAsync(stored.State, identified.EventId!, cancellationToken).ConfigureAwait(false);
        var whatIf = LifecycleDecider.Decide(ahead, identified, Today);
        await stores.PendingEvents.PutAsync(Pending(contractId, identified.EventId!, identified), cancellationToken).ConfigureAwait(false);
        await DeliverAsync(orchestrations, contractId, stored.State.NextWake, identified, cancellationToken).ConfigureAwait(false);
        return whatIf;
    }

    /// <summary>
    /// Raises an event to the contract's orchestration. One that does not run (it failed, was terminated,
    /// or never started) is started again from the stored state and the event raised to the new instance,
    /// which holds it until its first round waits. Whatever still fails stays pending for the reconciler:
    /// the caller has stored the event, so it is answered as accepted either way, never with a 500.
    /// </summary>
    public static async Task<bool> DeliverAsync(IOrchestrationClient orchestrations, string contractId, LocalDate? nextWake, Trigger trigger, CancellationToken cancellationToken = default)
    {
        var instance = Orchestrations.ContractInstance(contractId);
        if (await orchestrations.RaiseEventAsync(instance, trigger, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        await orchestrations.EnsureRunningAsync(Orchestrations.Contract, instance, new RoundInput(contractId, nextWake), cancellationToken).ConfigureAwait(false);
        return await orchestrations.RaiseEventAsync(instance, trigger, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An id for an event raised without one (the scheduler's runs), from what it is and the version it
    /// was decided on: the same event raised again at the same version is recognised as a repeat.
    /// </summary>
    public static string DerivedEventId(string contractId, Trigger trigger, long version)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{contractId}\n{version}\n{LifecycleJson.Serialize(trigger)}"));
        return $"derived/{Convert.ToHexStringLower(digest)[..32]}";
    }

    /// <summary>
    /// The state as the orchestration will have it when it reaches this event: the contract's events still pending
    /// (accepted, not yet applied by a round) applied in the order they were accepted. Without them a second
    /// cancellation would be accepted here (202) and refused by the round later; with them it is refused now (409).
    /// A pending event the round will refuse changes nothing here either.
    /// </summary>
    private async Task<ContractState> WithPendingAsync(ContractState state, string eventId, CancellationToken cancellationToken)
    {
        var pending = await stores.PendingEvents.ForContractAsync(state.ContractId, cancellationToken).ConfigureAwait(false);
        var today = Today;
        foreach (var earlier in pending)
        {
            if (earlier.Trigger is not { } trigger || earlier.EventId == eventId || state.RecentEventIds.Contains(earlier.EventId))
            {
                continue;
            }

            try
            {
                state = LifecycleDecider.Decide(state, trigger, today).State;
            }
            catch (ContractRuleException)
            {
                // Refused when its round comes: it leaves the state as it was.
            }
        }

        return state;
    }

    private PendingEvent Pending(string contractId, string eventId, Trigger? trigger)
    {
        var now = clock.GetCurrentInstant();
        return new PendingEvent(contractId, eventId, trigger, now, now, Deliveries: 1);
    }
}

/// <summary>What one reconciliation pass did.</summary>
public sealed record ReconcileReport(int Examined, int Acknowledged, int Started, int Raised, int GivenUp);

/// <summary>
/// Finishes what the event path may leave behind: an orchestration never started (the host stopped
/// after storing the contract) or no longer running, and events the runtime dropped or a round never
/// acknowledged. Events already applied (their id is in the state) are cleared; the rest are raised
/// again, at most <see cref="MaxDeliveries"/> times, after which the contract's history says so.
/// </summary>
public sealed class PendingEventReconciler(LifecycleStores stores, IOrchestrationClient orchestrations, IClock clock)
{
    /// <summary>How long a round has to acknowledge an event before it is raised again.</summary>
    public static readonly Duration Grace = Duration.FromMinutes(5);

    public const int MaxDeliveries = 10;

    public const int PassSize = 500;

    public async Task<ReconcileReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetCurrentInstant();
        int acknowledged = 0, started = 0, raised = 0, givenUp = 0;
        var stale = await stores.PendingEvents.RaisedBeforeAsync(now - Grace, PassSize, cancellationToken).ConfigureAwait(false);
        foreach (var pending in stale)
        {
            var stored = await stores.Contracts.GetAsync(pending.ContractId, cancellationToken).ConfigureAwait(false);
            if (stored is null || (pending.Trigger is not null && stored.State.RecentEventIds.Contains(pending.EventId)))
            {
                // Never registered (the registration failed before storing), or applied already.
                await stores.PendingEvents.RemoveAsync(pending.ContractId, pending.EventId, cancellationToken).ConfigureAwait(false);
                acknowledged++;
                continue;
            }

            if (await orchestrations.EnsureRunningAsync(Orchestrations.Contract, Orchestrations.ContractInstance(pending.ContractId),
                    new RoundInput(pending.ContractId, stored.State.NextWake), cancellationToken).ConfigureAwait(false))
            {
                started++;
            }

            if (pending.Trigger is null)
            {
                await stores.PendingEvents.RemoveAsync(pending.ContractId, pending.EventId, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (pending.Deliveries >= MaxDeliveries)
            {
                await GiveUpAsync(pending, stored.State, cancellationToken).ConfigureAwait(false);
                givenUp++;
                continue;
            }

            await stores.PendingEvents.PutAsync(pending with { LastRaisedAt = now, Deliveries = pending.Deliveries + 1 }, cancellationToken).ConfigureAwait(false);
            if (await OrchestratedContractEvents.DeliverAsync(orchestrations, pending.ContractId, stored.State.NextWake, pending.Trigger, cancellationToken).ConfigureAwait(false))
            {
                raised++;
            }
        }

        return new ReconcileReport(stale.Count, acknowledged, started, raised, givenUp);
    }

    private async Task GiveUpAsync(PendingEvent pending, ContractState state, CancellationToken cancellationToken)
    {
        var today = Tokyo.Today(clock.GetCurrentInstant());
        var name = pending.Trigger!.GetType().Name;
        var entry = new HistoryEntry($"undelivered/{pending.EventId}", today, "EventUndelivered", string.Empty,
            new Text($"{name}（{pending.EventId}）を{pending.Deliveries}回送りましたが処理されませんでした", $"{name} ({pending.EventId}) was raised {pending.Deliveries} times and never processed"));
        await stores.History.AppendAsync([new RecordHistory(entry) { ContractId = state.ContractId }], cancellationToken).ConfigureAwait(false);
        await stores.PendingEvents.RemoveAsync(pending.ContractId, pending.EventId, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>What one pass of <see cref="StoppedContractRestarter"/> did.</summary>
public sealed record RestartReport(int Stopped, int Restarted);

/// <summary>
/// Notices contract orchestrations that have stopped and starts each again from its stored state. A
/// contract's orchestration is meant to run for the contract's whole life (a closed contract still waits
/// for events), but it fails when a round's activity gives up after its retries or its save keeps losing
/// (<see cref="ConcurrencyException"/>), and an operator may terminate one; its timer then never fires and
/// its reminders silently stop. The Durable runtime is asked for failed or terminated contract instances
/// only (a query by status, not a scan of every contract), and each is started from the state it saved
/// last: the round it died in was never saved, so it is decided again. The contract's history records the
/// restart, once a day at most.
/// </summary>
public sealed class StoppedContractRestarter(LifecycleStores stores, IOrchestrationClient orchestrations, IClock clock)
{
    public const int PassSize = 500;

    public async Task<RestartReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var stopped = await orchestrations.StoppedInstancesAsync(Orchestrations.ContractPrefix, PassSize, cancellationToken).ConfigureAwait(false);
        var restarted = 0;
        var today = Tokyo.Today(clock.GetCurrentInstant());
        foreach (var instance in stopped)
        {
            if (Orchestrations.ContractOf(instance) is not { } contractId
                || await stores.Contracts.GetAsync(contractId, cancellationToken).ConfigureAwait(false) is not { } stored)
            {
                // Not a contract the stores know: nothing to carry on.
                continue;
            }

            if (await orchestrations.EnsureRunningAsync(Orchestrations.Contract, instance, new RoundInput(contractId, stored.State.NextWake), cancellationToken).ConfigureAwait(false))
            {
                restarted++;
                var entry = new HistoryEntry($"restarted/{LifecycleJson.Iso(today)}", today, "OrchestrationRestarted", string.Empty,
                    new Text("契約のオーケストレーションが停止していたため、保存済みの状態から再開しました", "The contract's orchestration had stopped; it was started again from the stored state"));
                await stores.History.AppendAsync([new RecordHistory(entry) { ContractId = contractId }], cancellationToken).ConfigureAwait(false);
            }
        }

        return new RestartReport(stopped.Count, restarted);
    }
}
