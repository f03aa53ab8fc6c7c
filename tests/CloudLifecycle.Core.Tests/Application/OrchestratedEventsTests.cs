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
/// The Azure host's event path against a Durable runtime double: register starts the contract's
/// orchestration, an event is stored before it is raised and cleared once its round deals with it,
/// and the reconciler finishes whatever the runtime dropped — nothing lost, nothing applied twice.
/// </summary>
public class OrchestratedEventsTests
{
    private static readonly CancellationRequested Cancellation = new(D("2026-06-10"), D("2026-07-20")) { EventId = "crm/cancel-1" };

    private sealed class Azure
    {
        public Azure(string today = "2026-06-12")
        {
            Clock = new FakeClock(Tokyo.WakeInstant(D(today)));
            Stores = InMemoryStores.Create();
            Runtime = new DurableRuntimeDouble(new ContractActivities(Stores, Clock), Clock);
            Events = new OrchestratedContractEvents(Stores, Runtime, Clock);
            Reconciler = new PendingEventReconciler(Stores, Runtime, Clock);
        }

        public FakeClock Clock { get; }

        public LifecycleStores Stores { get; }

        public DurableRuntimeDouble Runtime { get; }

        public OrchestratedContractEvents Events { get; }

        public PendingEventReconciler Reconciler { get; }

        public InMemoryPendingEvents Pending => (InMemoryPendingEvents)Stores.PendingEvents;

        public async Task<ContractState> StateAsync(string id) => (await Stores.Contracts.GetAsync(id))!.State;

        public void Advance(Duration by) => Clock.Advance(by);
    }

    [Fact]
    public async Task Register_StoresTheContract_AndStartsItsOrchestrationUnderTheContractsInstanceId()
    {
        var azure = new Azure();

        var decision = await azure.Events.RegisterAsync(Eclect("C-1", "2026-04-01"));

        Assert.Equal(["contract-C-1"], azure.Runtime.Running);
        Assert.Equal(Orchestrations.Contract, azure.Runtime.OrchestratorOf("contract-C-1"));
        Assert.Equal(new RoundInput("C-1", decision.State.NextWake), azure.Runtime.InputOf("contract-C-1"));
        Assert.Equal(0, azure.Pending.Count);
        Assert.NotNull(await azure.Stores.Contracts.GetAsync("C-1"));
    }

    [Fact]
    public async Task Register_TwiceTheSameId_IsAConflictAndLeavesNothingPending()
    {
        var azure = new Azure();
        await azure.Events.RegisterAsync(Eclect("C-1", "2026-04-01"));

        var refused = await Assert.ThrowsAsync<ContractRuleException>(() => azure.Events.RegisterAsync(Eclect("C-1", "2026-04-01")));

        Assert.Equal(RefusalKind.Conflict, refused.Kind);
        Assert.Equal(1, azure.Runtime.Started);
        Assert.Equal(0, azure.Pending.Count);
    }

    [Fact]
    public async Task Event_IsPendingUntilItsRoundAppliesIt_ThenAcknowledged()
    {
        var azure = new Azure();
        await azure.Events.RegisterAsync(Eclect("C-1", "2026-04-01"));

        var whatIf = await azure.Events.RaiseAsync("C-1", Cancellation, expectedVersion: null);

        Assert.Equal(ContractStatus.Ending, whatIf.State.Status);
        Assert.Equal(1, azure.Pending.Count);
        Assert.NotEqual(ContractStatus.Ending, (await azure.StateAsync("C-1")).Status);

        await azure.Runtime.RunRoundsAsync();

        var state = await azure.StateAsync("C-1");
        Assert.Equal(ContractStatus.Ending, state.Status);
        Assert.Contains("crm/cancel-1", state.RecentEventIds);
        Assert.Equal(0, azure.Pending.Count);
    }

    [Fact]
    public async Task SecondCancellation_WhileTheFirstIsStillPending_IsRefusedNow_NotAcceptedAndRefusedLater()
    {
        var azure = new Azure();
        await azure.Events.RegisterAsync(Eclect("C-1", "2026-04-01"));
        await azure.Events.RaiseAsync("C-1", Cancellation, expectedVersion: null);

        // The first has not been applied yet: the what-if must see it anyway (issue 14 §5).
        var second = await Assert.ThrowsAsync<ContractRuleException>(() =>
            azure.Events.RaiseAsync("C-1", new CancellationRequested(D("2026-06-11"), D("2026-08-20")) { EventId = "crm/cancel-2" }, null));

        Assert.Equal(RefusalKind.Conflict, second.Kind);
        Assert.Equal(1, azure.Pending.Count);
        await azure.Runtime.RunRoundsAsync();
        var state = await azure.StateAsync("C-1");
        Assert.Equal(D("2026-07-20"), state.Cancellation?.EffectiveDate);
        Assert.Equal(0, azure.Pending.Count);
    }

    [Fact]
    public async Task Event_RepeatedWhileItIsStillPending_IsAcceptedWithTheSameConsequence()
    {
        var azure = new Azure();
        await azure.Events.RegisterAsync(Eclect("C-1", "2026-04-01"));
        var first = await azure.Events.RaiseAsync("C-1", Cancellation, expectedVersion: null);

        var again = await azure.Events.RaiseAsync("C-1", Cancellation, expectedVersion: null);

        Assert.Equal(first.Consequence, again.Consequence);
        await azure.Runtime.RunRoundsAsync();
        Assert.Equal(D("2026-07-20"), (await azure.StateAsync("C-1")).Cancellation?.EffectiveDate);
    }

    [Fact]
    public async Task Event_RefusedByTheRules_IsRefusedBeforeAnythingIsStoredOrRaised()
    {
        var azure = new Azure();
        await azure.Events.RegisterAsync(Eclect("C-1", "2026-04-01"));

        await Assert.ThrowsAsync<ContractRuleException>(() =>
            azure.Events.RaiseAsync("C-1", new CancellationRequested(D("2026-06-10"), D("2026-07-21")) { EventId = "crm/bad" }, null));

        Assert.Equal(0, azure.Pending.Count);
        Assert.Equal(0, await azure.Runtime.RunRoundsAsync());
    }

    [Fact]
    public async Task Event_ForAStaleVersion_IsRefusedAsStale()
    {
        var azure = new Azure();
        var registered = await azure.Events.RegisterAsync(Eclect("C-1", "2026-04-01"));

        var stale = await Assert.ThrowsAsync<ContractRuleException>(() => azure.Events.RaiseAsync("C-1", Cancellation, registered.State.Version - 1));

        Assert.Equal(RefusalKind.Stale, stale.Kind);
        Assert.Equal(0, azure.Pending.Count);
    }

    [Fact]
    public async Task Event_ForAStoppedOrchestration_StartsItAgain_AndIsAppliedOnce()
    {
        var azure = new Azure();
        await azure.Events.RegisterAsync(Eclect("C-1", "2026-04-01"));
        azure.Runtime.Terminate("contract-C-1");

        await azure.Events.RaiseAsync("C-1", Cancellation, null);
        // The stopped instance refused it; the raise started a new one from the stored state and raised it there.
        Assert.Equal(1, azure.Runtime.Dropped);
        Assert.Equal(2, azure.Runtime.Started);
        Assert.Equal(["contract-C-1"], azure.Runtime.Running);

        // Within the grace the reconciler leaves it: the round may simply not have run yet.
        Assert.Equal(0, (await azure.Reconciler.RunAsync()).Examined);

        azure.Advance(PendingEventReconciler.Grace + Duration.FromSeconds(1));
        var report = await azure.Reconciler.RunAsync();
        await azure.Runtime.RunRoundsAsync();

        Assert.Equal(new ReconcileReport(Examined: 1, Acknowledged: 0, Started: 0, Raised: 1, GivenUp: 0), report);
        Assert.Equal(ContractStatus.Ending, (await azure.StateAsync("C-1")).Status);
        Assert.Equal(0, azure.Pending.Count);
        Assert.Single(await azure.Stores.Outbox.ListForContractAsync("C-1"), n => n.Notice.Kind == NoticeKind.CancellationReceived);
    }

    [Fact]
    public async Task Event_AppliedButNotAcknowledged_IsClearedWithoutRaisingItAgain()
    {
        var azure = new Azure();
        await azure.Events.RegisterAsync(Eclect("C-1", "2026-04-01"));
        await azure.Events.RaiseAsync("C-1", Cancellation, null);
        await azure.Runtime.RunRoundsAsync();
        var version = (await azure.StateAsync("C-1")).Version;
        // The acknowledgement was lost (the activity's host stopped after applying): the entry is back.
        var now = azure.Clock.GetCurrentInstant();
        await azure.Stores.PendingEvents.PutAsync(new PendingEvent("C-1", "crm/cancel-1", Cancellation, now, now, 1));

        azure.Advance(PendingEventReconciler.Grace + Duration.FromSeconds(1));
        var report = await azure.Reconciler.RunAsync();

        Assert.Equal(1, report.Acknowledged);
        Assert.Equal(0, report.Raised);
        Assert.Equal(0, azure.Pending.Count);
        Assert.Equal(version, (await azure.StateAsync("C-1")).Version);
    }

    [Fact]
    public async Task Registration_StoppedBeforeItsOrchestrationStarted_IsFinishedByTheReconciler()
    {
        var azure = new Azure();
        // What a host that stopped between storing and starting leaves: the contract and the marker.
        var now = azure.Clock.GetCurrentInstant();
        await azure.Stores.PendingEvents.PutAsync(new PendingEvent("C-1", ContractActivities.RegisteredEventId("C-1"), null, now, now, 1));
        await new ContractActivities(azure.Stores, azure.Clock).RegisterAsync(Eclect("C-1", "2026-04-01"), D("2026-06-12"));
        Assert.Empty(azure.Runtime.Running);

        azure.Advance(PendingEventReconciler.Grace + Duration.FromSeconds(1));
        var report = await azure.Reconciler.RunAsync();

        Assert.Equal(1, report.Started);
        Assert.Equal(["contract-C-1"], azure.Runtime.Running);
        Assert.Equal(0, azure.Pending.Count);
    }

    [Fact]
    public async Task Event_NeverProcessed_IsGivenUpAfterTheLimit_AndTheHistorySaysSo()
    {
        var azure = new Azure();
        await azure.Events.RegisterAsync(Eclect("C-1", "2026-04-01"));
        azure.Runtime.LoseEvents = true;
        await azure.Events.RaiseAsync("C-1", Cancellation, null);

        var raised = 0;
        var givenUp = 0;
        for (var pass = 0; pass < PendingEventReconciler.MaxDeliveries + 2; pass++)
        {
            azure.Advance(PendingEventReconciler.Grace + Duration.FromSeconds(1));
            var report = await azure.Reconciler.RunAsync();
            raised += report.Raised;
            givenUp += report.GivenUp;
        }

        Assert.Equal(PendingEventReconciler.MaxDeliveries - 1, raised);
        Assert.Equal(1, givenUp);
        Assert.Equal(0, azure.Pending.Count);
        Assert.Contains(await azure.Stores.History.ListAsync("C-1"), h => h.Kind == "EventUndelivered" && h.Key == "undelivered/crm/cancel-1");
    }

    [Fact]
    public async Task Timer_WakesTheRoundOnItsDay_AndTheNextRoundCarriesTheNextWake()
    {
        var azure = new Azure("2026-04-01");
        var registered = await azure.Events.RegisterAsync(Eclect("C-1", "2026-04-01"));
        var wake = registered.State.NextWake!.Value;

        Assert.Equal(0, await azure.Runtime.RunRoundsAsync());
        azure.Clock.Reset(Tokyo.WakeInstant(wake));
        Assert.True(await azure.Runtime.RunRoundsAsync() >= 1);

        var state = await azure.StateAsync("C-1");
        Assert.Equal(wake, state.ProcessedThrough);
        Assert.Equal(new RoundInput("C-1", state.NextWake), azure.Runtime.InputOf("contract-C-1"));
        Assert.True(state.NextWake > wake);
    }

    [Fact]
    public async Task EventWithoutAnId_GetsOneFromWhatItIsAndTheVersion_SoARepeatIsRecognised()
    {
        var azure = new Azure();
        await azure.Events.RegisterAsync(Eclect("C-1", "2026-04-01"));
        var anonymous = new CancellationRequested(D("2026-06-10"), D("2026-07-20"));
        var version = (await azure.StateAsync("C-1")).Version;

        var first = OrchestratedContractEvents.DerivedEventId("C-1", anonymous, version);

        Assert.Equal(first, OrchestratedContractEvents.DerivedEventId("C-1", anonymous, version));
        Assert.NotEqual(first, OrchestratedContractEvents.DerivedEventId("C-1", anonymous, version + 1));
        Assert.NotEqual(first, OrchestratedContractEvents.DerivedEventId("C-2", anonymous, version));
        await azure.Events.RaiseAsync("C-1", anonymous, null);
        await azure.Runtime.RunRoundsAsync();
        Assert.Contains(first, (await azure.StateAsync("C-1")).RecentEventIds);
    }
}
