using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;
using NodaTime.Testing;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>
/// Issue 17: the local monthly run moves each invoiced contract's wake-up in the due index (the local host's timer)
/// without a round of its own per contract (a round is several store round trips, and every invoice moves the wake-up
/// earlier): the contract is still woken on the new date by the host's tick.
/// </summary>
public class RunMovesWakeUpsTests
{
    private static readonly YearMonth Month = YM("2026-10");

    [Fact]
    public async Task LocalRun_ListsTheEarlierWakeUp_WithoutARescheduleRound_AndTheTickWakesIt()
    {
        var stores = InMemoryStores.Create();
        var clock = new FakeClock(Tokyo.WakeInstant(D("2026-10-31")));
        var workflow = new ContractWorkflow(stores, clock);
        await workflow.RegisterAsync(Eclect("W-1", "2026-04-01"));
        await workflow.RaiseAsync("W-1", new UsageRecorded(new MonthUsage(Month, AwsUsageUsd: 100m, FxRate: 150m)));
        clock.Reset(Tokyo.WakeInstant(D("2026-11-02")));
        // Its rounds handled through the run day, next due at a later milestone (as bench-month's contracts are).
        var stored = (await stores.Contracts.GetAsync("W-1"))!;
        var before = stored.State with { ProcessedThrough = D("2026-11-02"), NextWake = D("2027-02-20") };
        await stores.Contracts.ReplaceAsync(before, stored.ETag);
        await stores.DueIndex.RemoveAsync("W-1", stored.State.NextWake!.Value);
        await stores.DueIndex.AddAsync("W-1", before.NextWake!.Value);

        var events = new CountingEvents(workflow);
        var report = await new MonthlyInvoiceRun(stores, events, clock).RunAsync(Month);

        Assert.Equal(1, report.Invoiced);
        Assert.Equal(0, events.Raised);
        var after = (await stores.Contracts.GetAsync("W-1"))!.State;
        Assert.True(after.NextWake < before.NextWake, $"the invoice's due date wakes the contract earlier ({after.NextWake} before {before.NextWake})");
        Assert.DoesNotContain(after.RecentEventIds, id => id.StartsWith("rescheduled/", StringComparison.Ordinal));
        var listed = new List<(string ContractId, LocalDate Date)>();
        await foreach (var due in stores.DueIndex.DueAsync(after.NextWake!.Value))
        {
            listed.Add(due);
        }

        Assert.Contains(("W-1", after.NextWake!.Value), listed);
        Assert.DoesNotContain(listed, d => d.Date == before.NextWake);
        clock.Reset(Tokyo.WakeInstant(after.NextWake!.Value));
        Assert.Equal(1, await workflow.WakeDueAsync());
        Assert.True((await stores.Contracts.GetAsync("W-1"))!.State.ProcessedThrough >= after.NextWake);
    }

    /// <summary>The local workflow, counting the events raised to it (each a round).</summary>
    private sealed class CountingEvents(ContractWorkflow workflow) : IContractEvents
    {
        private int raised;

        public int Raised => raised;

        public LocalDate Today => workflow.Today;

        public bool TimersFollowDueIndex => workflow.TimersFollowDueIndex;

        public Task<Decision> RegisterAsync(ContractRegistration registration, CancellationToken cancellationToken = default) => workflow.RegisterAsync(registration, cancellationToken);

        public Task<Decision> RaiseAsync(string contractId, Trigger trigger, long? expectedVersion, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref raised);
            return workflow.RaiseAsync(contractId, trigger, expectedVersion, cancellationToken);
        }
    }
}
