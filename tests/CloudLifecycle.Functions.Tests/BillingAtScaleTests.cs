using CloudLifecycle.Core.Application;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using NodaTime;
using static CloudLifecycle.Functions.Tests.Contracts;
using static CloudLifecycle.Functions.Tests.FunctionsAppHost;

namespace CloudLifecycle.Functions.Tests;

/// <summary>
/// The month's run in the shape that keeps every orchestration's history bounded (issue 14 point 8), on the real
/// Durable Task worker, cut small so that a dozen contracts take the paths a million take: batches of one contract,
/// segments of three batches (sub-orchestrations), two segments a generation (continued as new). The history each
/// episode replays is read from the work items the back end sends the worker.
/// </summary>
public sealed class BillingAtScaleTests : IAsyncLifetime
{
    private const int ContractCount = 12;
    private static readonly BillingRunShape Small = new(BatchSize: 1, ParallelBatches: 2, BatchesPerSegment: 3, ParallelSegments: 2);

    private FunctionsAppHost app = null!;

    public async Task InitializeAsync() => app = await StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private YearMonth LastMonth => app.Today.ToYearMonth().PlusMonths(-1);

    private static string Id(int i) => $"S-{i:00}";

    [Fact]
    public async Task ARunInSegments_ContinuesAsNew_SurvivesABatchFailing_InvoicesEachOnce_AndKeepsEveryHistoryBounded()
    {
        var start = app.Today.PlusMonths(-4);
        for (var i = 0; i < ContractCount; i++)
        {
            await app.Get<IContractEvents>().RegisterWith(app.Client, Ntt(Id(i), start));
        }

        // One batch's read fails once (a storage blip): its activity fails, is retried after 5 s, and the wave completes.
        app.Contracts.FailReads(Id(7), times: 1);
        var first = await RunAsync();

        Assert.Equal((ContractCount, ContractCount, 0), (first.Contracts, first.Invoiced, first.AlreadyInvoiced));
        Assert.Empty(first.Failures);
        await EachInvoicedOnceAsync();

        var episodes = app.Responses.Episodes;
        var run = episodes.Where(e => e.InstanceId == Orchestrations.BillingRunInstance(LastMonth)).ToList();
        var segments = episodes.Where(e => e.Name == Orchestrations.BillingSegment).GroupBy(e => e.InstanceId).ToList();
        // 12 batches: 4 segments of 3, 2 a generation: the run continued as new once.
        Assert.Equal(4, segments.Count);
        Assert.Equal(2, run.Count(e => e.HistoryEvents <= 3));   // each generation's first episode: a fresh history
        // A segment of 3 batches in 2 waves: 3 tasks scheduled and answered, 3 episodes, the start (and, for the one
        // whose batch failed, the failure, the retry's timer and the task scheduled again): never more than that,
        // however many contracts the month has, since the number of contracts only changes the number of segments.
        // On a busy machine the answers of one wave may reach the worker in separate episodes (seen: 22 events), so
        // the bound allows one episode per task rather than per wave.
        var segmentBound = HistoryBound(Small.BatchesPerSegment, Small.BatchesPerSegment) + RetryAllowance;
        Assert.All(segments, s => Assert.InRange(s.Max(e => e.HistoryEvents), 1, segmentBound));
        // A generation of the run: (the plan,) 2 segments, the progress (, the report): the same bound at any size.
        Assert.InRange(run.Max(e => e.HistoryEvents), 1, HistoryBound(1 + Small.ParallelSegments + 2, 4));

        // The month again: a new run finds every contract invoiced, and issues nothing.
        var again = await RunAsync();
        Assert.Equal((ContractCount, 0, ContractCount), (again.Contracts, again.Invoiced, again.AlreadyInvoiced));
        await EachInvoicedOnceAsync();
    }

    /// <summary>The bound <c>BillingRunScaleTests</c> checks at a million contracts: the start, two events per task, two per episode, the end.</summary>
    private static int HistoryBound(int tasks, int episodes) => 2 + (2 * tasks) + (2 * (episodes + 1));

    /// <summary>One activity retried once: its failure, the retry timer's creation and firing, and the two episodes they add.</summary>
    private const int RetryAllowance = 3 + 4;

    private async Task<BillingRunReport> RunAsync()
    {
        var instance = Orchestrations.BillingRunInstance(LastMonth);
        await app.Client.ScheduleNewOrchestrationInstanceAsync(new TaskName(Orchestrations.BillingRun),
            WorkflowJson.Wrap(new BillingRunInput(LastMonth) { Shape = Small }), new StartOrchestrationOptions(instance));
        await app.WaitForStatusAsync(instance, OrchestrationRuntimeStatus.Completed);
        var status = await app.Get<IBillingRuns>().GetAsync(LastMonth);
        Assert.True(status is { State: BillingRunState.Completed }, status?.Error);
        return status!.Report!;
    }

    private async Task EachInvoicedOnceAsync()
    {
        for (var i = 0; i < ContractCount; i++)
        {
            Assert.Single(await app.Stores.Invoices.ListByContractAsync(Id(i)), invoice => invoice.Month == LastMonth);
        }
    }
}
