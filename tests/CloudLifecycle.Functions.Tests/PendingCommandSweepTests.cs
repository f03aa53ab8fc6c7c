using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Lifecycle;
using Microsoft.DurableTask.Client;
using NodaTime;
using static CloudLifecycle.Functions.Tests.Contracts;
using static CloudLifecycle.Functions.Tests.FunctionsAppHost;

namespace CloudLifecycle.Functions.Tests;

/// <summary>
/// A host that dies between a round's SaveContract and its CompleteCommands, with no round after it (its orchestration
/// gone): the decision is stored with its commands pending on the row, and the sweep's timer function runs them once.
/// </summary>
public sealed class PendingCommandSweepTests : IAsyncLifetime
{
    private FunctionsAppHost app = null!;

    public async Task InitializeAsync() => app = await StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<int> CancellationNoticesAsync(string contractId) =>
        (await app.Stores.Outbox.ListForContractAsync(contractId)).Count(i => i.Notice.Kind == NoticeKind.CancellationReceived);

    private Task SweepAsync() => app.Function<ScheduledFunctions>().SweepPendingCommandsAsync(Timer(), CancellationToken.None);

    [Fact]
    public async Task CrashAfterTheSave_LeavesTheCommandsPending_AndTheSweepEnqueuesTheNoticeOnce()
    {
        var (status, body) = await app.SendAsync("POST", "/api/v1/contracts", Registration("P-1", app.Today.PlusMonths(-1)));
        Assert.True(status == 201, body);
        await app.WaitForStatusAsync(Orchestrations.ContractInstance("P-1"), OrchestrationRuntimeStatus.Running);

        // The round's save of the cancellation is stored; then its host dies: the save never returns, the orchestration is gone.
        var crash = app.Contracts.HoldAfterSave("P-1");
        (status, body) = await app.SendAsync("POST", "/api/v1/contracts/P-1/cancellation-requests", Cancellation(app.Today), "cancel-P-1");
        Assert.True(status == 202, body);
        await crash.Entered.Task.WaitAsync(Patience);
        await app.Client.TerminateInstanceAsync(Orchestrations.ContractInstance("P-1"), "its host died after the save");
        await app.WaitForStatusAsync(Orchestrations.ContractInstance("P-1"), OrchestrationRuntimeStatus.Terminated);
        crash.Released.SetException(new IOException("the host died"));

        var stored = await app.ContractAsync("P-1");
        Assert.Equal(ContractStatus.Ending, stored.State.Status);
        Assert.Contains(stored.PendingCommands, c => c is EnqueueNotice { Notice.Kind: NoticeKind.CancellationReceived });
        Assert.Equal(0, await CancellationNoticesAsync("P-1"));

        // First pass: seen pending, left alone (a live round may be between its save and its commands).
        await SweepAsync();
        Assert.Equal(0, await CancellationNoticesAsync("P-1"));
        Assert.NotEmpty((await app.ContractAsync("P-1")).PendingCommands);

        // A pass at least five minutes later finds it pending at the same version: its commands run, once.
        app.Clock.Advance(PendingCommandSweep.MinimumAge);
        await SweepAsync();
        Assert.Equal(1, await CancellationNoticesAsync("P-1"));
        var swept = await app.ContractAsync("P-1");
        Assert.Empty(swept.PendingCommands);
        Assert.Equal(stored.State.Version, swept.State.Version);

        // Later passes, and the restarted orchestration's rounds, find nothing pending: nothing is enqueued again.
        app.Clock.Advance(PendingCommandSweep.MinimumAge);
        await SweepAsync();
        await app.Function<ScheduledFunctions>().RestartStoppedContractsAsync(Timer(), app.Client, CancellationToken.None);
        await app.WaitForStatusAsync(Orchestrations.ContractInstance("P-1"), OrchestrationRuntimeStatus.Running);
        Assert.Equal(1, await CancellationNoticesAsync("P-1"));
    }
}
