using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;
using NodaTime.Testing;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>
/// Issue 17: the local host drains the due index with <see cref="ContractWorkflow.ParallelWakeUps"/> rounds at once
/// (100,000 eclect-aws terms ending on the same 20th, §26) and keeps the one-at-a-time guarantees: each due contract's
/// round runs once per wake-up and ends where one at a time ends; a lost save is decided again; one contract's failure
/// is reported, stops no other, and leaves it due for the next tick; draining again wakes nothing.
/// </summary>
public class ParallelWakeUpsTests
{
    private const int Degree = 8;

    /// <summary>Every contract starts on 20 April and is registered after the 15 May notice deadline: all are next due at the end of their term on 20 May.</summary>
    private static readonly LocalDate Morning = D("2026-05-20");

    private static string Id(int i) => $"M-{i:D2}";

    private static async Task<(LifecycleStores Stores, SlowContracts Contracts, FakeClock Clock)> WorldAsync(int count)
    {
        var contracts = new SlowContracts(new InMemoryContractStore());
        var stores = InMemoryStores.Create() with { Contracts = contracts };
        var clock = new FakeClock(Tokyo.WakeInstant(D("2026-05-16")));
        var registering = new ContractWorkflow(stores, clock);
        for (var i = 1; i <= count; i++)
        {
            await registering.RegisterAsync(Eclect(Id(i), "2026-04-20"));
        }

        clock.Reset(Tokyo.WakeInstant(Morning));
        return (stores, contracts, clock);
    }

    private static async Task<List<(string ContractId, LocalDate Date)>> DueAsync(LifecycleStores stores, LocalDate through)
    {
        var due = new List<(string ContractId, LocalDate Date)>();
        await foreach (var entry in stores.DueIndex.DueAsync(through))
        {
            due.Add(entry);
        }

        return due;
    }

    private static async Task<Dictionary<string, string>> StatesAsync(LifecycleStores stores, int count)
    {
        var states = new Dictionary<string, string>();
        for (var i = 1; i <= count; i++)
        {
            states[Id(i)] = LifecycleJson.Serialize((await stores.Contracts.GetAsync(Id(i)))!.State);
        }

        return states;
    }

    [Fact]
    public async Task SameMorning_RoundsSideBySide_EndWhereOneAtATimeEnds_AndLeaveNothingDue()
    {
        const int count = 30;
        var (sequentialStores, _, sequentialClock) = await WorldAsync(count);
        var (parallelStores, parallelContracts, parallelClock) = await WorldAsync(count);
        Assert.Equal(count, (await DueAsync(parallelStores, Morning)).Count);

        var sequential = await new ContractWorkflow(sequentialStores, sequentialClock) { ParallelWakeUps = 1 }.WakeDueReportAsync();
        var parallel = await new ContractWorkflow(parallelStores, parallelClock) { ParallelWakeUps = Degree }.WakeDueReportAsync();

        Assert.True(parallelContracts.MostAtOnce >= 2, $"rounds never overlapped (at most {parallelContracts.MostAtOnce} at once)");
        Assert.Equal((count, count, 0), (parallel.Due, parallel.Woken, parallel.FailedCount));
        Assert.Equal((sequential.Due, sequential.Woken, sequential.FailedCount), (parallel.Due, parallel.Woken, parallel.FailedCount));
        // Each round ran once: the same states, versions included, as one round at a time leaves.
        Assert.Equal(await StatesAsync(sequentialStores, count), await StatesAsync(parallelStores, count));
        Assert.Empty(await DueAsync(parallelStores, Morning));
        for (var i = 1; i <= count; i++)
        {
            var state = (await parallelStores.Contracts.GetAsync(Id(i)))!.State;
            Assert.True(state.ProcessedThrough >= Morning && state.NextWake > Morning, $"{Id(i)}: processed through {state.ProcessedThrough}, next {state.NextWake}");
            Assert.Equal((await sequentialStores.Outbox.ListForContractAsync(Id(i))).Count, (await parallelStores.Outbox.ListForContractAsync(Id(i))).Count);
        }
    }

    [Fact]
    public async Task DrainingAgain_WakesNothing_AndChangesNoContract()
    {
        const int count = 12;
        var (stores, _, clock) = await WorldAsync(count);
        var workflow = new ContractWorkflow(stores, clock) { ParallelWakeUps = Degree };
        await workflow.WakeDueReportAsync();
        var after = await StatesAsync(stores, count);

        var again = await workflow.WakeDueReportAsync();

        Assert.Equal((0, 0, 0), (again.Due, again.Woken, again.FailedCount));
        Assert.Equal(after, await StatesAsync(stores, count));
    }

    [Fact]
    public async Task AContractListedUnderAStaleDateToo_IsWokenOnce_AndTheStaleEntryIsUnlisted()
    {
        const int count = 6;
        var (stores, _, clock) = await WorldAsync(count);
        await stores.DueIndex.AddAsync(Id(3), D("2026-05-18"));
        var reference = await WorldAsync(count);
        await new ContractWorkflow(reference.Stores, reference.Clock).WakeDueReportAsync();

        var report = await new ContractWorkflow(stores, clock) { ParallelWakeUps = Degree }.WakeDueReportAsync();

        Assert.Equal((count, count), (report.Due, report.Woken));
        Assert.Equal(await StatesAsync(reference.Stores, count), await StatesAsync(stores, count));
        Assert.Empty(await DueAsync(stores, Morning));
    }

    [Fact]
    public async Task AFailingRound_IsReported_StopsNoOther_AndTheContractIsWokenOnTheNextTick()
    {
        const int count = 20;
        var (stores, contracts, clock) = await WorldAsync(count);
        contracts.Failing = Id(7);
        var workflow = new ContractWorkflow(stores, clock) { ParallelWakeUps = Degree };

        var report = await workflow.WakeDueReportAsync();

        Assert.Equal((count, count - 1), (report.Due, report.Woken));
        var failure = Assert.Single(report.Failures);
        Assert.Equal(Id(7), failure.ContractId);
        Assert.Contains("storage unavailable", failure.Reason, StringComparison.Ordinal);
        Assert.Equal([(Id(7), Morning)], await DueAsync(stores, Morning));
        // The int-returning drain (the demo's, the simulation's) wakes the others too, then names the failure.
        var thrown = await Assert.ThrowsAsync<WakeUpsFailedException>(() => workflow.WakeDueAsync());
        Assert.Contains(Id(7), thrown.Message, StringComparison.Ordinal);

        contracts.Failing = null;
        var next = await workflow.WakeDueReportAsync();

        Assert.Equal((1, 1, 0), (next.Due, next.Woken, next.FailedCount));
        Assert.Empty(await DueAsync(stores, Morning));
    }

    [Fact]
    public async Task ALostSave_IsDecidedAgain_AndTheRoundStillLandsOnce()
    {
        const int count = 10;
        var (stores, _, clock) = await WorldAsync(count);
        var reference = await WorldAsync(count);
        await new ContractWorkflow(reference.Stores, reference.Clock).WakeDueReportAsync();
        var inner = stores.Contracts;
        // Another host rewrites contract 4's row (same state, new ETag) just before this host's first save of it.
        var racing = stores with
        {
            Contracts = new AnotherWriterFirst(inner, Id(4), async () =>
            {
                var current = (await inner.GetAsync(Id(4)))!;
                await inner.ReplaceAsync(current.State, current.ETag, current.PendingCommands);
            }),
        };

        var report = await new ContractWorkflow(racing, clock) { ParallelWakeUps = Degree }.WakeDueReportAsync();

        Assert.Equal((count, count, 0), (report.Due, report.Woken, report.FailedCount));
        Assert.Equal(await StatesAsync(reference.Stores, count), await StatesAsync(stores, count));
        Assert.Equal((await reference.Stores.History.ListAsync(Id(4))).Count, (await stores.History.ListAsync(Id(4))).Count);
    }

    /// <summary>
    /// The in-memory contract store with each read held for a moment (as a Table read takes a round trip), the most
    /// reads in flight at once counted, and reads of <see cref="Failing"/> failing as a storage fault would.
    /// </summary>
    private sealed class SlowContracts(IContractStore inner) : IContractStore
    {
        private int inFlight;
        private int mostAtOnce;

        public int MostAtOnce => Volatile.Read(ref mostAtOnce);

        public string? Failing { get; set; }

        public async Task<StoredContract?> GetAsync(string contractId, CancellationToken cancellationToken = default)
        {
            if (contractId == Failing)
            {
                throw new InvalidOperationException($"storage unavailable for {contractId}");
            }

            var now = Interlocked.Increment(ref inFlight);
            int seen;
            while (now > (seen = Volatile.Read(ref mostAtOnce)) && Interlocked.CompareExchange(ref mostAtOnce, now, seen) != seen)
            {
            }

            try
            {
                await Task.Delay(5, cancellationToken);
                return await inner.GetAsync(contractId, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }

        public Task<bool> TryCreateAsync(ContractState state, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default) =>
            inner.TryCreateAsync(state, pendingCommands, cancellationToken);

        public Task<string> ReplaceAsync(ContractState state, string etag, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default) =>
            inner.ReplaceAsync(state, etag, pendingCommands, cancellationToken);

        public Task<ReplaceManyResult> ReplaceManyAsync(IReadOnlyList<StoredContract> states, CancellationToken cancellationToken = default) =>
            inner.ReplaceManyAsync(states, cancellationToken);

        public Task<ReplaceManyResult> ClearPendingManyAsync(IReadOnlyList<StoredContract> ran, CancellationToken cancellationToken = default) =>
            inner.ClearPendingManyAsync(ran, cancellationToken);

        public IAsyncEnumerable<IReadOnlyList<StoredContract>> ScanAsync(int pageSize, CancellationToken cancellationToken = default) => inner.ScanAsync(pageSize, cancellationToken);
    }
}
