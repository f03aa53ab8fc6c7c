using CloudLifecycle.Core.Application;
using Microsoft.DurableTask.Client;
using NodaTime;
using NodaTime.Testing;
using static CloudLifecycle.Functions.Tests.Contracts;
using static CloudLifecycle.Functions.Tests.FunctionsAppHost;

namespace CloudLifecycle.Functions.Tests;

/// <summary>
/// A month's invoice run as the Functions app runs it: the billing orchestration's fan-out over batch
/// activities on the real Durable Task worker, started from the CRM API or the daily timer; a second run
/// of the month invoices nothing twice; a month left "running" by a run that died is started again.
/// </summary>
public sealed class BillingRunTests : IAsyncLifetime
{
    private FunctionsAppHost app = null!;

    public async Task InitializeAsync() => app = await StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private YearMonth LastMonth => app.Today.ToYearMonth().PlusMonths(-1);

    /// <summary>Two contracts whose operations started four months ago: both owe last month (§35-1, from the month after the start).</summary>
    private async Task RegisterTwoAsync()
    {
        var start = app.Today.PlusMonths(-4);
        await app.Get<IContractEvents>().RegisterWith(app.Client, Ntt("B-1", start));
        await app.Get<IContractEvents>().RegisterWith(app.Client, Ntt("B-2", start));
    }

    private async Task<BillingRunStatus> CompletedAsync(YearMonth month)
    {
        BillingRunStatus? status = null;
        await EventuallyAsync($"the run of {month:uuuu-MM} completes", async () =>
            (status = await app.Get<IBillingRuns>().GetAsync(month)) is { State: BillingRunState.Completed or BillingRunState.Failed });
        Assert.True(status!.State == BillingRunState.Completed, status.Error);
        return status;
    }

    [Fact]
    public async Task BillingRun_InvoicesEveryContractOnce_AndARunAgainInvoicesNothingTwice()
    {
        await RegisterTwoAsync();

        var (status, body) = await app.SendAsync("POST", "/api/v1/billing-runs", $$"""{"month":"{{LastMonth:uuuu-MM}}"}""");
        Assert.True(status == 202, body);
        var first = (await CompletedAsync(LastMonth)).Report!;

        Assert.Equal((2, 2, 0), (first.Contracts, first.Invoiced, first.AlreadyInvoiced));
        Assert.True(first.InvoicedTotal > 0);
        Assert.Empty(first.Failures);
        var invoices = (await app.Stores.Invoices.ListByContractAsync("B-1")).Concat(await app.Stores.Invoices.ListByContractAsync("B-2")).ToList();
        Assert.Equal(2, invoices.Count);
        Assert.Equal(first.InvoicedTotal, invoices.Sum(i => i.Total));

        // Again: the completed instance is replaced by a new run, which finds both invoiced.
        (status, body) = await app.SendAsync("POST", "/api/v1/billing-runs", $$"""{"month":"{{LastMonth:uuuu-MM}}"}""");
        Assert.True(status == 202, body);
        await EventuallyAsync("the second run starts", async () => (await app.Get<IBillingRuns>().GetAsync(LastMonth))?.Report is null);
        var second = (await CompletedAsync(LastMonth)).Report!;

        Assert.Equal((2, 0, 2, 0L), (second.Contracts, second.Invoiced, second.AlreadyInvoiced, second.InvoicedTotal));
        Assert.Equal(2, (await app.Stores.Invoices.ListByContractAsync("B-1")).Count + (await app.Stores.Invoices.ListByContractAsync("B-2")).Count);
    }

    [Fact]
    public async Task MonthLeftRunningByARunThatDied_IsStartedAgainByTheDailyTimer()
    {
        await RegisterTwoAsync();
        // What a run that died before recording its failure leaves: "running", and no live instance.
        var then = app.Clock.GetCurrentInstant() - Duration.FromDays(1);
        await new BillingRunStatuses(app.Stores.Documents).SaveAsync(new BillingRunStatus(LastMonth, BillingRunState.Running, then, then, 100, 0));
        Assert.Null(await app.Client.GetInstanceAsync(Orchestrations.BillingRunInstance(LastMonth)));

        await app.Function<ScheduledFunctions>().DailyRunsAsync(Timer(), app.Client, CancellationToken.None);

        var report = (await CompletedAsync(LastMonth)).Report!;
        Assert.Equal((2, 2), (report.Contracts, report.Invoiced));
        // The status document is written by the run's last activity, just before its orchestration completes.
        await EventuallyAsync("the restarted orchestration completes", async () =>
            (await app.Client.GetInstanceAsync(Orchestrations.BillingRunInstance(LastMonth)))?.RuntimeStatus == OrchestrationRuntimeStatus.Completed);
    }

    [Fact]
    public async Task CompletedMonth_IsNotRunAgain_ByTheDailyTimer()
    {
        await RegisterTwoAsync();
        var (status, _) = await app.SendAsync("POST", "/api/v1/billing-runs", $$"""{"month":"{{LastMonth:uuuu-MM}}"}""");
        Assert.Equal(202, status);
        await CompletedAsync(LastMonth);
        await EventuallyAsync("the run's orchestration completes", async () =>
            (await app.Client.GetInstanceAsync(Orchestrations.BillingRunInstance(LastMonth)))?.RuntimeStatus == OrchestrationRuntimeStatus.Completed);
        var instance = await app.Client.GetInstanceAsync(Orchestrations.BillingRunInstance(LastMonth));

        await app.Function<ScheduledFunctions>().DailyRunsAsync(Timer(), app.Client, CancellationToken.None);

        // Completed: the daily timer starts nothing (the same instance, still completed).
        var after = await app.Client.GetInstanceAsync(Orchestrations.BillingRunInstance(LastMonth));
        Assert.Equal(instance!.CreatedAt, after!.CreatedAt);
        Assert.Equal(BillingRunState.Completed, (await app.Get<IBillingRuns>().GetAsync(LastMonth))!.State);
    }
}
