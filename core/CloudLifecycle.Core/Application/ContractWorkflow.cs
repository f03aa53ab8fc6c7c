using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Core.Application;

/// <summary>
/// The activities of a round, shared by every host: load, save (the state with its decision's commands pending, one
/// conditional write), complete the commands (run them, then clear them from the row), record a refusal.
/// On Azure each is an activity function; locally <see cref="ContractWorkflow"/> calls them directly.
/// </summary>
public sealed class ContractActivities(LifecycleStores stores, IClock clock)
{
    private readonly CommandExecutor executor = new(stores);

    public Task<StoredContract?> LoadAsync(string contractId, CancellationToken cancellationToken = default) =>
        stores.Contracts.GetAsync(contractId, cancellationToken);

    public async Task<bool> ExecuteAsync(IReadOnlyList<LifecycleCommand> commands, CancellationToken cancellationToken = default)
    {
        await executor.ExecuteAsync(commands, clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Runs the commands a stored decision left pending, then clears them from the row if it still holds that
    /// decision (its version); a row another writer changed meanwhile is left alone, as that writer ran them before
    /// overwriting. Running them twice (a retried activity, a crash before the clear) writes nothing new: each command
    /// is an upsert under a deterministic key.
    /// </summary>
    public async Task<bool> CompleteAsync(CommandCompletion completion, CancellationToken cancellationToken = default)
    {
        await executor.ExecuteAsync(completion.Commands, clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
        var stored = await stores.Contracts.GetAsync(completion.ContractId, cancellationToken).ConfigureAwait(false);
        if (stored is { PendingCommands.Count: > 0 } && stored.State.Version == completion.Version)
        {
            // Only the outbox, under the ETag just read. A conflict: another writer stored a newer decision (and its
            // own pending commands) after running these; its row stands.
            await stores.Contracts.ClearPendingManyAsync([stored], cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Completes the pending commands of every contract that has some: what a crash between a save and its commands
    /// left behind. The local host runs it on start; a contract's next round does the same for that contract.
    /// Returns how many contracts had commands pending.
    /// </summary>
    public async Task<int> CompleteAllPendingAsync(CancellationToken cancellationToken = default)
    {
        var completed = 0;
        await foreach (var page in stores.Contracts.ScanAsync(MonthlyInvoiceRun.DefaultPageSize, cancellationToken).ConfigureAwait(false))
        {
            foreach (var stored in page.Where(s => s.PendingCommands.Count > 0))
            {
                await CompleteAsync(CommandCompletion.Of(stored), cancellationToken).ConfigureAwait(false);
                completed++;
            }
        }

        return completed;
    }

    /// <summary>Saves under the ETag; false when another writer got there first. A replayed save of the same version is a success.</summary>
    public async Task<bool> SaveAsync(SaveRequest request, CancellationToken cancellationToken = default)
    {
        try
        {
            await stores.Contracts.ReplaceAsync(request.State, request.ETag, request.Commands, cancellationToken).ConfigureAwait(false);
        }
        catch (ConcurrencyException)
        {
            // A replayed save (the same round retried) finds its own state stored; another writer's state of
            // the same version number is a different state, so the round must decide again.
            var current = await stores.Contracts.GetAsync(request.State.ContractId, cancellationToken).ConfigureAwait(false);
            if (current is null || LifecycleJson.Serialize(current.State) != LifecycleJson.Serialize(request.State))
            {
                return false;
            }
        }

        if (request.PreviousWake is { } previous && previous != request.State.NextWake)
        {
            await stores.DueIndex.RemoveAsync(request.State.ContractId, previous, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    public async Task<bool> RecordRefusalAsync(RefusalRecord refusal, CancellationToken cancellationToken = default)
    {
        var entry = new HistoryEntry($"refused/{LifecycleJson.Iso(refusal.Date)}/{refusal.Trigger.EventId ?? refusal.Trigger.GetType().Name}",
            refusal.Date, "EventRefused", refusal.Clause ?? string.Empty,
            new Text($"{refusal.Trigger.GetType().Name}を受け付けませんでした：{refusal.Field}: {refusal.Reason}", $"{refusal.Trigger.GetType().Name} refused: {refusal.Field}: {refusal.Reason}"));
        await stores.History.AppendAsync([new RecordHistory(entry) { ContractId = refusal.ContractId }], cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The round has dealt with the event: it is no longer pending.</summary>
    public async Task<bool> AcknowledgeAsync(EventAcknowledgement acknowledgement, CancellationToken cancellationToken = default)
    {
        await stores.PendingEvents.RemoveAsync(acknowledgement.ContractId, acknowledgement.EventId, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Registers a contract: checked, announced, planned, stored. A taken id is refused; so is a race
    /// lost to another registration of the same id.
    /// </summary>
    public async Task<Decision> RegisterAsync(ContractRegistration registration, LocalDate today, CancellationToken cancellationToken = default)
    {
        var draft = registration.ToState();
        if (await stores.Contracts.GetAsync(draft.ContractId, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw AlreadyRegistered(draft.ContractId);
        }

        var decision = LifecycleDecider.Decide(draft, new Registered { EventId = RegisteredEventId(draft.ContractId) }, today);
        // Stored with its commands pending, then run: a registration that lost the id to another leaves no welcome notice.
        if (!await stores.Contracts.TryCreateAsync(decision.State, decision.Commands, cancellationToken).ConfigureAwait(false))
        {
            throw AlreadyRegistered(draft.ContractId);
        }

        await CompleteAsync(new CommandCompletion(decision.State.ContractId, decision.State.Version, decision.Commands), cancellationToken).ConfigureAwait(false);
        return decision;
    }

    public static string RegisteredEventId(string contractId) => $"registered/{contractId}";

    /// <summary>The contract an event is for: unknown is refused as not found, another version than the caller read as stale (an HTTP If-Match).</summary>
    public async Task<StoredContract> LoadForEventAsync(string contractId, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        var stored = await LoadAsync(contractId, cancellationToken).ConfigureAwait(false)
            ?? throw new ContractRuleException("contractId", $"no contract {contractId}", kind: RefusalKind.NotFound);
        if (expectedVersion is { } expected && expected != stored.State.Version)
        {
            throw new ContractRuleException("If-Match", $"contract {contractId} is at version {stored.State.Version}, not {expected}: read it again", kind: RefusalKind.Stale);
        }

        return stored;
    }

    private static ContractRuleException AlreadyRegistered(string contractId) =>
        new("contractId", $"contract {contractId} is already registered", kind: RefusalKind.Conflict);

    /// <summary>Dispatches an activity by name, as the Durable runtime does.</summary>
    public async Task<object?> RunAsync(string name, object? input, CancellationToken cancellationToken = default) => name switch
    {
        ActivityNames.LoadContract => await LoadAsync((string)input!, cancellationToken).ConfigureAwait(false),
        ActivityNames.ExecuteCommands => await ExecuteAsync((IReadOnlyList<LifecycleCommand>)input!, cancellationToken).ConfigureAwait(false),
        ActivityNames.SaveContract => await SaveAsync((SaveRequest)input!, cancellationToken).ConfigureAwait(false),
        ActivityNames.CompleteCommands => await CompleteAsync((CommandCompletion)input!, cancellationToken).ConfigureAwait(false),
        ActivityNames.RecordRefusal => await RecordRefusalAsync((RefusalRecord)input!, cancellationToken).ConfigureAwait(false),
        ActivityNames.AcknowledgeEvent => await AcknowledgeAsync((EventAcknowledgement)input!, cancellationToken).ConfigureAwait(false),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown activity"),
    };

    /// <summary>
    /// An activity as a Durable host runs it: input and result as <see cref="LifecycleJson"/> text, so the
    /// orchestration's history holds the same JSON as the stores, whatever serializer the worker has.
    /// </summary>
    public async Task<string> RunJsonAsync(string name, string input, CancellationToken cancellationToken = default)
    {
        object? typed = name switch
        {
            ActivityNames.LoadContract => LifecycleJson.Deserialize<string>(input),
            ActivityNames.ExecuteCommands => LifecycleJson.Deserialize<List<LifecycleCommand>>(input),
            ActivityNames.SaveContract => LifecycleJson.Deserialize<SaveRequest>(input),
            ActivityNames.CompleteCommands => LifecycleJson.Deserialize<CommandCompletion>(input),
            ActivityNames.RecordRefusal => LifecycleJson.Deserialize<RefusalRecord>(input),
            ActivityNames.AcknowledgeEvent => LifecycleJson.Deserialize<EventAcknowledgement>(input),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown activity"),
        };
        return LifecycleJson.Serialize(await RunAsync(name, typed, cancellationToken).ConfigureAwait(false));
    }
}

/// <summary>
/// The local host's orchestration driver: runs a contract's round now, because its timer is due or
/// an event arrived, with the same <see cref="LifecycleRound"/> the Durable orchestrator runs.
/// Rounds of one contract never overlap in this process; across processes the ETag decides.
/// </summary>
public sealed class ContractWorkflow : IContractEvents
{
    private const int LockStripes = 256;
    private readonly LifecycleStores stores;
    private readonly IClock clock;
    private readonly IRetryJitter jitter;
    private readonly SemaphoreSlim[] locks = Enumerable.Range(0, LockStripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    // jitter: how long a round steps aside after losing a save; a host gives a random spread
    // (AddLocalWorkflow, serve, run-month), without one the pause is the fixed RetryJitter.Fixed.
    public ContractWorkflow(LifecycleStores stores, IClock clock, IRetryJitter? jitter = null)
    {
        this.stores = stores;
        this.clock = clock;
        this.jitter = jitter ?? RetryJitter.Fixed;
        Activities = new ContractActivities(stores, clock);
    }

    public ContractActivities Activities { get; }

    /// <summary>The host's clock, which events and runs are dated by.</summary>
    public IClock Clock => clock;

    public LocalDate Today => Tokyo.Today(clock.GetCurrentInstant());

    /// <summary>This host's timers are the due index (<see cref="WakeDueAsync"/>).</summary>
    public bool TimersFollowDueIndex => true;

    /// <summary>Registers a contract: checked, announced, planned, stored. A taken id is refused.</summary>
    public async Task<Decision> RegisterAsync(ContractRegistration registration, CancellationToken cancellationToken = default)
    {
        using var held = await LockAsync(registration.ContractId ?? string.Empty, cancellationToken).ConfigureAwait(false);
        return await Activities.RegisterAsync(registration, Today, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Delivers an event: decided first as a what-if (a refusal throws and nothing is stored), then
    /// run through the contract's round. Returns what the event meant.
    /// </summary>
    public Task<Decision> RaiseAsync(string contractId, Trigger trigger, CancellationToken cancellationToken = default) =>
        RaiseAsync(contractId, trigger, expectedVersion: null, cancellationToken);

    /// <summary>
    /// As <see cref="RaiseAsync(string, Trigger, CancellationToken)"/>, refused as stale when the caller
    /// read the contract at another version than the stored one (an HTTP If-Match).
    /// </summary>
    public async Task<Decision> RaiseAsync(string contractId, Trigger trigger, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        AmountBounds.Check(trigger);
        using var held = await LockAsync(contractId, cancellationToken).ConfigureAwait(false);
        var stored = await Activities.LoadForEventAsync(contractId, expectedVersion, cancellationToken).ConfigureAwait(false);
        var whatIf = LifecycleDecider.Decide(stored.State, trigger, Today);
        await RunRoundAsync(stored, trigger, timerDue: false, cancellationToken).ConfigureAwait(false);
        return await OutcomeAsync(contractId, trigger, stored.State, whatIf, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What the round stored for the event, not what the what-if expected: the round may have lost its save to another
    /// process (a billing run invoicing the month meanwhile) and, deciding again on the newer state, been refused. An
    /// event with an id is stored iff the contract now remembers that id (or it changed nothing); otherwise the refusal
    /// is thrown as the decider gives it on the stored state (e.g. 409 "already invoiced", with its clause).
    /// The answer carries the stored state, so two accepted events never report the same version.
    /// </summary>
    private async Task<Decision> OutcomeAsync(string contractId, Trigger trigger, ContractState before, Decision whatIf, CancellationToken cancellationToken)
    {
        if (trigger.EventId is not { } eventId || whatIf.State.Version == before.Version)
        {
            return whatIf;
        }

        var current = (await stores.Contracts.GetAsync(contractId, cancellationToken).ConfigureAwait(false))?.State;
        if (current is null || current.RecentEventIds.Contains(eventId))
        {
            return current is null ? whatIf : whatIf with { State = current };
        }

        LifecycleDecider.Decide(current, trigger, Today);
        throw new ContractRuleException("version", $"contract {contractId} changed while the event was applied and it was not stored; send it again", kind: RefusalKind.Conflict);
    }

    /// <summary>
    /// Runs the round of every contract whose timer is due by today; returns how many woke. A contract whose round
    /// failed stops no other: the others are woken first, then the failures are thrown together
    /// (<see cref="WakeUpsFailedException"/>). A host that must go on (the scheduler) reads <see cref="WakeDueReportAsync"/>.
    /// </summary>
    public async Task<int> WakeDueAsync(CancellationToken cancellationToken = default)
    {
        var report = await WakeDueReportAsync(cancellationToken).ConfigureAwait(false);
        return report.Failures.Count + report.UnlistedFailures == 0 ? report.Woken : throw new WakeUpsFailedException(report);
    }

    /// <summary>
    /// How many contracts' rounds run at once when the due index is drained (at least 1; the host passes
    /// <c>CloudLifecycle:Wake:Parallel</c>, core reads no environment). Issue 17: 100,000 contracts due the same morning.
    /// </summary>
    public int ParallelWakeUps { get; init; } = 1;

    /// <summary>
    /// Runs the round of every contract whose timer is due by today, up to <see cref="ParallelWakeUps"/> at once, and
    /// reports what happened. Each contract is taken once however many dates the index lists it under (the stale ones
    /// are unlisted) and holds its lock through its round, so two rounds of one contract never overlap here; a lost
    /// save is decided again (<see cref="MaxRounds"/>); a failure is reported and the contract stays listed, so the
    /// next tick tries it again. Running it again at once wakes nothing: the rounds moved every woken timer on.
    /// </summary>
    public async Task<WakeReport> WakeDueReportAsync(CancellationToken cancellationToken = default)
    {
        var today = Today;
        var due = new List<(string ContractId, LocalDate Date)>();
        await foreach (var entry in stores.DueIndex.DueAsync(today, cancellationToken).ConfigureAwait(false))
        {
            due.Add(entry);
        }

        // One item per contract, in the index's order (the earliest date first).
        var contracts = due.GroupBy(e => e.ContractId, StringComparer.Ordinal)
            .Select((g, index) => (Index: index, ContractId: g.Key, Dates: g.Select(e => e.Date).ToList()))
            .ToList();
        var woken = 0;
        var failures = new System.Collections.Concurrent.ConcurrentBag<(int Index, WakeFailure Failure)>();
        await Parallel.ForEachAsync(contracts, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, ParallelWakeUps), CancellationToken = cancellationToken },
            async (item, token) =>
            {
                try
                {
                    if (await WakeOneAsync(item.ContractId, item.Dates, today, token).ConfigureAwait(false))
                    {
                        Interlocked.Increment(ref woken);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures.Add((item.Index, new WakeFailure(item.ContractId, $"{e.GetType().Name}: {e.Message}")));
                }
            }).ConfigureAwait(false);

        // Listed in the index's order whatever order the rounds finished in; bounded, as a run's report is.
        var ordered = failures.OrderBy(f => f.Index).Select(f => f.Failure).ToList();
        return new WakeReport(contracts.Count, woken, [.. ordered.Take(WakeReport.MaxListedFailures)], Math.Max(0, ordered.Count - WakeReport.MaxListedFailures));
    }

    /// <summary>One due contract: its stale index entries unlisted, then its round if its timer is due; true when it woke.</summary>
    private async Task<bool> WakeOneAsync(string contractId, IReadOnlyList<LocalDate> dates, LocalDate today, CancellationToken cancellationToken)
    {
        using var held = await LockAsync(contractId, cancellationToken).ConfigureAwait(false);
        var stored = await stores.Contracts.GetAsync(contractId, cancellationToken).ConfigureAwait(false);
        foreach (var date in dates.Where(d => d != stored?.State.NextWake))
        {
            // A stale index entry (the contract was rescheduled, or never saved): drop it.
            await stores.DueIndex.RemoveAsync(contractId, date, cancellationToken).ConfigureAwait(false);
        }

        if (stored?.State.NextWake is not { } wake || wake > today)
        {
            return false;
        }

        await RunRoundAsync(stored, null, timerDue: true, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Rounds tried before a busy contract is reported (each round saves up to <see cref="LifecycleRound.MaxSaveAttempts"/> times).</summary>
    public const int MaxRounds = 8;

    private async Task RunRoundAsync(StoredContract stored, Trigger? pendingEvent, bool timerDue, CancellationToken cancellationToken)
    {
        for (var round = 1; ; round++)
        {
            var context = new ImmediateContext(clock.GetCurrentInstant(), pendingEvent, timerDue, Activities, cancellationToken);
            try
            {
                await LifecycleRound.RunAsync(context, new RoundInput(stored.State.ContractId, stored.State.NextWake)).ConfigureAwait(false);
                return;
            }
            catch (ConcurrencyException) when (round < MaxRounds)
            {
                // Another process keeps winning the save (two hosts on one storage): step aside a little, then decide again.
                await Task.Delay(jitter.Pause(round), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<IDisposable> LockAsync(string contractId, CancellationToken cancellationToken)
    {
        var stripe = locks[unchecked((uint)StringComparer.Ordinal.GetHashCode(contractId)) % LockStripes];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Release(stripe);
    }

    private sealed class Release(SemaphoreSlim stripe) : IDisposable
    {
        public void Dispose() => stripe.Release();
    }

    /// <summary>
    /// A round run now: the timer has fired if it is due, the event has arrived if there is one;
    /// whatever has not happened stays pending until the round cancels it. Activities run in-process.
    /// </summary>
    private sealed class ImmediateContext(Instant now, Trigger? pendingEvent, bool timerDue, ContractActivities activities, CancellationToken cancellationToken) : IWorkflowContext
    {
        public Instant CurrentInstant => now;

        public Task CreateTimer(Instant fireAt, CancellationToken cancellation) =>
            timerDue || fireAt <= now ? Task.CompletedTask : Task.Delay(Timeout.Infinite, cancellation);

        public async Task<T> WaitForEvent<T>(string eventName, CancellationToken cancellation)
        {
            if (pendingEvent is T arrived)
            {
                return arrived;
            }

            await Task.Delay(Timeout.Infinite, cancellation).ConfigureAwait(false);
            throw new OperationCanceledException(cancellation);
        }

        public async Task<T> CallActivity<T>(string activityName, object? input) =>
            (T)(await activities.RunAsync(activityName, input, cancellationToken).ConfigureAwait(false))!;

        public Task<T> CallSubOrchestrator<T>(string orchestratorName, object? input) =>
            throw new InvalidOperationException($"a contract's round starts no sub-orchestration ({orchestratorName})");

        public void ContinueAsNew(object? input)
        {
            // The next round starts when the due-index or an event calls for it; nothing to keep in memory.
        }
    }
}

/// <summary>What draining the due index did: contracts found due, rounds run, and the contracts whose round failed (still listed).</summary>
public sealed record WakeReport(int Due, int Woken, IReadOnlyList<WakeFailure> Failures, int UnlistedFailures)
{
    /// <summary>Failures listed by name; the others are counted (a tick's line must stay short).</summary>
    public const int MaxListedFailures = 20;

    public int FailedCount => Failures.Count + UnlistedFailures;
}

/// <summary>A contract whose wake-up round failed, and why; it stays in the due index for the next tick.</summary>
public sealed record WakeFailure(string ContractId, string Reason);

/// <summary>Some wake-up rounds failed (the others ran): thrown by <see cref="ContractWorkflow.WakeDueAsync"/>.</summary>
public sealed class WakeUpsFailedException(WakeReport report)
    : Exception($"{report.FailedCount} of {report.Due} due contracts failed their wake-up round: " +
        string.Join("; ", report.Failures.Select(f => $"{f.ContractId}: {f.Reason}")))
{
    public WakeReport Report { get; } = report;
}
