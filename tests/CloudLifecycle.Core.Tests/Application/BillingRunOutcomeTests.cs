using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;
using NodaTime.Testing;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>
/// Two local hosts on one storage account may run the same month at once (each contract is still invoiced once).
/// The status document is shared, so a host judges its own run by how that run ended, not by the document: the
/// other host's progress ("running") may be stored after this run's "completed". Before, `serve --once` failed
/// its tick with "billing run 2026-10: no status stored" (found by the reliability suite's two hosts).
/// </summary>
public class BillingRunOutcomeTests
{
    private static readonly YearMonth October = YM("2026-10");

    [Fact]
    public async Task ARunThatCompletedHere_IsReportedCompleted_ThoughAnotherHostsRunningStatusWasStoredSince()
    {
        var stores = InMemoryStores.Create();
        var workflow = new ContractWorkflow(stores, new FakeClock(Tokyo.WakeInstant(D("2026-10-31"))));
        await workflow.RegisterAsync(Eclect("C-1", "2026-04-01"));
        await workflow.RaiseAsync("C-1", new UsageRecorded(new MonthUsage(October, AwsUsageUsd: 1_000m, FxRate: 150m)));
        var clock = new FakeClock(Tokyo.WakeInstant(D("2026-11-02")));
        workflow = new ContractWorkflow(stores, clock);

        using var first = new BackgroundBillingRuns(stores, workflow, clock, new InlineBackground());
        await first.StartAsync(October);
        await first.WhenIdleAsync();

        var held = new HeldBackground();
        using var second = new BackgroundBillingRuns(stores, workflow, clock, held);
        await second.StartAsync(October);

        Assert.Equal(BillingRunState.Running, (await first.GetAsync(October))!.State);
        var outcome = first.OutcomeOf(October);
        Assert.Equal(BillingRunState.Completed, outcome?.State);
        Assert.Equal(1, outcome!.Invoiced);
        Assert.Null(second.OutcomeOf(October));

        held.Release();
        await second.WhenIdleAsync();
        Assert.Equal(BillingRunState.Completed, second.OutcomeOf(October)?.State);
        Assert.Equal(0, second.OutcomeOf(October)!.Invoiced);
    }

    private sealed class InlineBackground : IBackgroundWork
    {
        public Task Start(Func<Task> work) => work();
    }

    /// <summary>A background that starts its work only when the test says so: the other host's run, still going.</summary>
    private sealed class HeldBackground : IBackgroundWork
    {
        private readonly TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Start(Func<Task> work) => gate.Task.ContinueWith(_ => work(), TaskScheduler.Default).Unwrap();

        public void Release() => gate.SetResult();
    }
}
