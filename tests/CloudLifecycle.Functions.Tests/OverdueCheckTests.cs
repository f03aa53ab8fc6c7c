using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Lifecycle;
using Microsoft.DurableTask.Client;
using NodaTime;
using static CloudLifecycle.Functions.Tests.Contracts;
using static CloudLifecycle.Functions.Tests.FunctionsAppHost;

namespace CloudLifecycle.Functions.Tests;

/// <summary>
/// The daily timer's overdue check, fanned out as the day's orchestration (plan, then batches of contracts, each an
/// activity raising the check through the contract's orchestration), on the real Durable Task worker.
/// </summary>
public sealed class OverdueCheckTests : IAsyncLifetime
{
    private FunctionsAppHost app = null!;

    public async Task InitializeAsync() => app = await StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<int> OverdueNoticesAsync(string contractId) =>
        (await app.Stores.Outbox.ListForContractAsync(contractId)).Count(i => i.Notice.Kind == NoticeKind.PaymentOverdue);

    [Fact]
    public async Task TheDailyTimer_ChasesEachOverdueContractOnce_ThroughTheDaysOrchestration()
    {
        var start = app.Today.PlusMonths(-4);
        await app.Get<IContractEvents>().RegisterWith(app.Client, Ntt("O-1", start));
        await app.Get<IContractEvents>().RegisterWith(app.Client, Ntt("O-2", start));
        // O-1 owes an invoice due three days ago; O-2 owes nothing.
        var stored = await app.ContractAsync("O-1");
        var month = app.Today.ToYearMonth().PlusMonths(-2);
        await app.Stores.Contracts.ReplaceAsync(stored.State with
        {
            OpenInvoices = [new OpenInvoice($"INV-O-1-{month:uuuuMM}", month, 55_000, 55_000, app.Today.PlusDays(-3))],
        }, stored.ETag);

        var instance = Orchestrations.OverdueCheckInstance(app.Today);
        for (var firing = 0; firing < 2; firing++)
        {
            // A second firing the same day (a late or repeated timer) runs the day's check again: same event id, no second notice.
            await app.Function<ScheduledFunctions>().DailyRunsAsync(Timer(), app.Client, CancellationToken.None);
            await app.WaitForStatusAsync(instance, OrchestrationRuntimeStatus.Completed);
            var tally = WorkflowJson.Unwrap<OverdueTally>((await app.InstanceAsync(instance)).ReadOutputAs<string>()!);
            Assert.Equal(1, tally.Contracts);
            await EventuallyAsync("O-1's round enqueues the overdue notice", async () => await OverdueNoticesAsync("O-1") == 1);
        }

        Assert.Equal(1, await OverdueNoticesAsync("O-1"));
        Assert.Equal(0, await OverdueNoticesAsync("O-2"));
    }
}
