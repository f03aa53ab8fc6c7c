using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Lifecycle;
using Microsoft.DurableTask.Client;
using NodaTime;
using NodaTime.Testing;
using static CloudLifecycle.Functions.Tests.Contracts;
using static CloudLifecycle.Functions.Tests.FunctionsAppHost;

namespace CloudLifecycle.Functions.Tests;

/// <summary>
/// A contract's orchestration as the Functions app runs it, on the real Durable Task worker: registration
/// starts it, an event is applied by a round and acknowledged, a due timer runs a round, an instance
/// that stopped is started again when an event comes or when the reconciler's timer finds it.
/// </summary>
public sealed class ContractOrchestrationTests : IAsyncLifetime
{
    private FunctionsAppHost app = null!;

    public async Task InitializeAsync() => app = await StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static string Instance(string contractId) => Orchestrations.ContractInstance(contractId);

    private Task<bool> AppliedAsync(string contractId, ContractStatus status) =>
        Task.Run(async () => (await app.ContractAsync(contractId)).State.Status == status);

    private async Task<bool> NothingPendingAsync() =>
        (await app.Stores.PendingEvents.RaisedBeforeAsync(Instant.MaxValue, 100)).Count == 0;

    private async Task<string> RegisterAsync(string id, LocalDate start)
    {
        var (status, body) = await app.SendAsync("POST", "/api/v1/contracts", Registration(id, start));
        Assert.True(status == 201, body);
        return body;
    }

    [Fact]
    public async Task Registration_StartsTheContractsOrchestration_WaitingForItsTimerAndEvents()
    {
        await RegisterAsync("F-1", app.Today.PlusMonths(-1));

        await app.WaitForStatusAsync(Instance("F-1"), OrchestrationRuntimeStatus.Running);
        var stored = await app.ContractAsync("F-1");
        Assert.Equal(new RoundInput("F-1", stored.State.NextWake), RoundInputOf(await app.InstanceAsync(Instance("F-1"))));
        Assert.True(stored.State.NextWake > app.Today);
        Assert.True(await NothingPendingAsync());
    }

    [Fact]
    public async Task Event_IsAppliedByTheContractsRound_AndAcknowledged()
    {
        await RegisterAsync("F-2", app.Today.PlusMonths(-1));

        var (status, body) = await app.SendAsync("POST", "/api/v1/contracts/F-2/cancellation-requests", Cancellation(app.Today), "cancel-F-2");

        Assert.True(status == 202, body);
        await EventuallyAsync("the round applies the cancellation", () => AppliedAsync("F-2", ContractStatus.Ending));
        await EventuallyAsync("the round acknowledges it", NothingPendingAsync);
        Assert.Single(await app.Stores.Outbox.ListForContractAsync("F-2"), n => n.Notice.Kind == NoticeKind.CancellationReceived);
        await app.WaitForStatusAsync(Instance("F-2"), OrchestrationRuntimeStatus.Running);
    }

    [Fact]
    public async Task DueTimer_RunsARound_ThatCatchesUpAndSetsTheNextTimer()
    {
        // Registered three months ago (the host was down since): the timer it set is long due.
        var now = app.Clock.GetCurrentInstant();
        app.Clock.Reset(now - Duration.FromDays(92));
        var registered = await app.Get<IContractEvents>().RegisterWith(app.Client, Eclect("F-3", app.Today.PlusDays(-10)));
        app.Clock.Reset(now);
        Assert.True(registered.State.NextWake < app.Today);

        await EventuallyAsync("the timer's round moves the next wake past today", async () => (await app.ContractAsync("F-3")).State.NextWake > app.Today);
        var state = (await app.ContractAsync("F-3")).State;
        Assert.True(state.Version > registered.State.Version);
        await EventuallyAsync("the next round waits for the new timer", async () =>
            RoundInputOf(await app.InstanceAsync(Instance("F-3"))) == new RoundInput("F-3", state.NextWake));
        Assert.Contains(await app.Stores.History.ListAsync("F-3"), h => h.Date > registered.State.NextWake!.Value.PlusDays(-1) && h.Date <= app.Today);
    }

    [Fact]
    public async Task EventRaisedToAStoppedInstance_IsAccepted_AndTheInstanceIsStartedAgainToApplyIt()
    {
        await RegisterAsync("F-4", app.Today.PlusMonths(-1));
        await app.WaitForStatusAsync(Instance("F-4"), OrchestrationRuntimeStatus.Running);
        await app.Client.TerminateInstanceAsync(Instance("F-4"), "stopped by an operator");
        await app.WaitForStatusAsync(Instance("F-4"), OrchestrationRuntimeStatus.Terminated);

        var (status, body) = await app.SendAsync("POST", "/api/v1/contracts/F-4/cancellation-requests", Cancellation(app.Today), "cancel-F-4");

        Assert.True(status == 202, body);
        await EventuallyAsync("the restarted instance applies the cancellation", () => AppliedAsync("F-4", ContractStatus.Ending));
        await EventuallyAsync("and acknowledges it", NothingPendingAsync);
        await app.WaitForStatusAsync(Instance("F-4"), OrchestrationRuntimeStatus.Running);
    }

    [Fact]
    public async Task DeadInstance_IsStartedAgainFromItsStoredState_ByTheRestartTimer_AndItsEventApplied()
    {
        await RegisterAsync("F-5", app.Today.PlusMonths(-1));
        await app.WaitForStatusAsync(Instance("F-5"), OrchestrationRuntimeStatus.Running);
        // Every save of this contract loses to "another writer": its round gives up (ConcurrencyException) and the orchestration fails.
        app.Contracts.LoseSaves("F-5", lose: true);
        var (status, _) = await app.SendAsync("POST", "/api/v1/contracts/F-5/cancellation-requests", Cancellation(app.Today), "cancel-F-5");
        Assert.Equal(202, status);
        await app.WaitForStatusAsync(Instance("F-5"), OrchestrationRuntimeStatus.Failed);
        Assert.Contains(nameof(ConcurrencyException), (await app.InstanceAsync(Instance("F-5"))).FailureDetails?.ErrorType, StringComparison.Ordinal);
        app.Contracts.LoseSaves("F-5", lose: false);
        var stored = await app.ContractAsync("F-5");

        await app.Function<ScheduledFunctions>().RestartStoppedContractsAsync(Timer(), app.Client, CancellationToken.None);

        await app.WaitForStatusAsync(Instance("F-5"), OrchestrationRuntimeStatus.Running);
        Assert.Equal(new RoundInput("F-5", stored.State.NextWake), RoundInputOf(await app.InstanceAsync(Instance("F-5"))));
        Assert.Contains(await app.Stores.History.ListAsync("F-5"), h => h.Kind == "OrchestrationRestarted");
        Assert.Equal(ContractStatus.Active, stored.State.Status);

        // The event its failed round never saved is still pending: the reconciler raises it to the new instance.
        app.Clock.Advance(PendingEventReconciler.Grace + Duration.FromSeconds(1));
        await app.Function<ScheduledFunctions>().ReconcileEventsAsync(Timer(), app.Client, CancellationToken.None);

        await EventuallyAsync("the restarted instance applies the cancellation", () => AppliedAsync("F-5", ContractStatus.Ending));
        await EventuallyAsync("and acknowledges it", NothingPendingAsync);
        Assert.Single(await app.Stores.Outbox.ListForContractAsync("F-5"), n => n.Notice.Kind == NoticeKind.CancellationReceived);
    }

    [Fact]
    public async Task ConcurrentRequestsUnderOneIdempotencyKey_AreAppliedOnce_AndAllAnsweredAsTheFirst()
    {
        var registration = Registration("F-6", app.Today.PlusMonths(-1));

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => app.SendAsync("POST", "/api/v1/contracts", registration, "register-F-6"))));

        Assert.All(answers, a => Assert.True(a.Status == 201, a.Body));
        Assert.Single(answers.Select(a => a.Body).Distinct());
        Assert.Equal(1, (await app.ContractAsync("F-6")).State.Version);
        await app.WaitForStatusAsync(Instance("F-6"), OrchestrationRuntimeStatus.Running);
    }
}
