using System.Text;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Core.Application;

/// <summary>
/// How a month's run is cut up, chosen so that no orchestration's history grows with the number of contracts: a
/// batch is one activity (<see cref="BatchSize"/> contracts); a segment is one sub-orchestration that invoices
/// <see cref="BatchesPerSegment"/> batches, <see cref="ParallelBatches"/> at a time; the run itself starts
/// <see cref="ParallelSegments"/> segments at a time and continues as new after each such wave, carrying its tally.
/// </summary>
public sealed record BillingRunShape(int BatchSize, int ParallelBatches, int BatchesPerSegment, int ParallelSegments)
{
    /// <summary>
    /// 100 contracts a batch (one entity-group transaction), 8 batches in flight per segment, 100 batches (10,000
    /// contracts) a segment, 4 segments at once: 32 batch activities in flight, about 200 activity events in a
    /// segment's history and a few dozen in each generation of the run, at any number of contracts.
    /// </summary>
    public static BillingRunShape Default { get; } = new(MonthlyInvoiceRun.DefaultPageSize, 8, 100, 4);

    public void Check()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ParallelBatches, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchesPerSegment, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ParallelSegments, 1);
    }
}

/// <summary>
/// What a run carries from one generation to the next (<c>ContinueAsNew</c>): the run date read once, the plan, the
/// next batch to invoice and the tally so far, whose failures list is bounded (<see cref="BillingTally.MaxListedFailures"/>).
/// </summary>
public sealed record BillingRunCarry(LocalDate RunDate, int Batches, int NextBatch, BillingTally Tally);

/// <summary>The input of a month's billing orchestration; <see cref="Carry"/> is null for the first generation.</summary>
public sealed record BillingRunInput(YearMonth Month)
{
    public BillingRunShape Shape { get; init; } = BillingRunShape.Default;

    public BillingRunCarry? Carry { get; init; }
}

/// <summary>A month's contracts split into batches, each listed in a document the batch activity reads.</summary>
public sealed record BillingBatchPlan(YearMonth Month, LocalDate RunDate, int Batches, int Contracts);

/// <summary>One batch of a month's run, dated by the orchestration (every batch invoices as of the same day).</summary>
public sealed record BillingBatchRequest(YearMonth Month, LocalDate RunDate, int Batch)
{
    /// <summary>Contracts per batch document (read by the plan activity only).</summary>
    public int BatchSize { get; init; } = MonthlyInvoiceRun.DefaultPageSize;
}

/// <summary>One segment of a month's run: batches <see cref="FirstBatch"/> to <see cref="FirstBatch"/> + <see cref="Count"/> − 1.</summary>
public sealed record BillingSegmentInput(YearMonth Month, LocalDate RunDate, int FirstBatch, int Count, int ParallelBatches);

/// <summary>How far the fan-in has got, recorded after each wave.</summary>
public sealed record BillingProgressRecord(YearMonth Month, int Contracts, int Invoiced);

/// <summary>Why a month's run stopped.</summary>
public sealed record BillingFailureRecord(YearMonth Month, string Error);

/// <summary>The activities of the billing orchestration.</summary>
public static class BillingActivityNames
{
    public const string PlanBillingBatches = nameof(PlanBillingBatches);
    public const string InvoiceBillingBatch = nameof(InvoiceBillingBatch);
    public const string RecordBillingProgress = nameof(RecordBillingProgress);
    public const string CompleteBillingRun = nameof(CompleteBillingRun);
    public const string RecordBillingFailure = nameof(RecordBillingFailure);
}

/// <summary>How a month's contracts are cut into batches and how many batches run at once.</summary>
public static class BillingBatches
{
    /// <summary>A batch is one page: as many contracts as one entity-group transaction holds.</summary>
    public const int Size = MonthlyInvoiceRun.DefaultPageSize;

    /// <summary>Batches in flight at once in one segment: enough to use a few instances, few enough not to throttle one storage account.</summary>
    public const int MaxParallel = 8;

    public static string Path(YearMonth month, int batch) => $"reports/billing-{month:uuuu-MM}/batch-{batch:D5}.json";

    /// <summary>Every failure of a batch (the run's report lists the first <see cref="BillingTally.MaxListedFailures"/> and counts the rest).</summary>
    public static string FailuresPath(YearMonth month, int batch) => $"reports/billing-{month:uuuu-MM}/batch-{batch:D5}.failures.json";

    /// <summary>Batch numbers in waves of at most <paramref name="parallel"/>, in order: every batch once.</summary>
    public static IReadOnlyList<IReadOnlyList<int>> Waves(int batches, int parallel) => Waves(0, batches, parallel);

    /// <summary>Batches <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1 in waves of at most <paramref name="parallel"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<int>> Waves(int first, int count, int parallel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallel, 1);
        return Enumerable.Range(first, count).Chunk(parallel).Select(wave => (IReadOnlyList<int>)wave).ToList();
    }

    /// <summary>The segments of one generation of the run: from <paramref name="nextBatch"/>, at most <see cref="BillingRunShape.ParallelSegments"/> of them.</summary>
    public static IReadOnlyList<(int First, int Count)> SegmentWave(int nextBatch, int batches, BillingRunShape shape)
    {
        var wave = new List<(int, int)>(shape.ParallelSegments);
        for (var first = nextBatch; first < batches && wave.Count < shape.ParallelSegments; first += shape.BatchesPerSegment)
        {
            wave.Add((first, Math.Min(shape.BatchesPerSegment, batches - first)));
        }

        return wave;
    }
}

/// <summary>
/// A month's invoice run with a history bounded whatever the number of contracts (issue 14 point 8; Durable Functions
/// replays an orchestration's whole history at each of its episodes, and advises splitting large fan-outs into
/// sub-orchestrations and keeping inputs and outputs small). The first generation plans the batches; each generation
/// starts one wave of segments (<see cref="BillingSegmentOrchestration"/>, each a sub-orchestration), adds their tallies
/// to the one carried, records the progress and continues as new, until the last wave's generation stores the report.
/// The run date is read once, by the first generation, and carried: every batch invoices as of the same day, in every
/// replay. Any failure (a batch out of retries, a month not ended) is recorded as the run's status and ends the run
/// failed; starting the month again is safe (it invoices nothing twice) and the daily job does so.
/// </summary>
public static class BillingRunOrchestration
{
    /// <summary>The report once the run has completed; null when this generation continued as new.</summary>
    public static async Task<BillingRunReport?> RunAsync(IWorkflowContext context, BillingRunInput input)
    {
        var shape = input.Shape;
        shape.Check();
        try
        {
            var carry = input.Carry;
            if (carry is null)
            {
                var runDate = Tokyo.Today(context.CurrentInstant);
                var plan = await context.CallActivity<BillingBatchPlan>(BillingActivityNames.PlanBillingBatches,
                    new BillingBatchRequest(input.Month, runDate, 0) { BatchSize = shape.BatchSize }).ConfigureAwait(true);
                carry = new BillingRunCarry(runDate, plan.Batches, 0, BillingTally.Empty);
            }

            var wave = BillingBatches.SegmentWave(carry.NextBatch, carry.Batches, shape);
            if (wave.Count > 0)
            {
                var tallies = await Task.WhenAll(wave.Select(segment => context.CallSubOrchestrator<BillingTally>(Orchestrations.BillingSegment,
                    new BillingSegmentInput(input.Month, carry.RunDate, segment.First, segment.Count, shape.ParallelBatches)))).ConfigureAwait(true);
                var (last, lastCount) = wave[^1];
                carry = carry with { NextBatch = last + lastCount, Tally = tallies.Aggregate(carry.Tally, (sum, part) => sum.Add(part)) };
                await context.CallActivity<bool>(BillingActivityNames.RecordBillingProgress,
                    new BillingProgressRecord(input.Month, carry.Tally.Contracts, carry.Tally.Invoiced)).ConfigureAwait(true);
                if (carry.NextBatch < carry.Batches)
                {
                    context.ContinueAsNew(input with { Carry = carry });
                    return null;
                }
            }

            var report = carry.Tally.ToReport(input.Month, carry.RunDate);
            await context.CallActivity<bool>(BillingActivityNames.CompleteBillingRun, report).ConfigureAwait(true);
            return report;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The status says why; starting the month again is safe (it invoices nothing twice).
            await context.CallActivity<bool>(BillingActivityNames.RecordBillingFailure, new BillingFailureRecord(input.Month, e.Message)).ConfigureAwait(true);
            throw;
        }
    }
}

/// <summary>
/// One segment of a month's run, a sub-orchestration: its batches invoiced a wave at a time (each an activity), their
/// tallies added up (failures bounded) and returned. Its history holds two events per batch and two per wave, so a
/// segment of 100 batches replays about 230 events at most.
/// </summary>
public static class BillingSegmentOrchestration
{
    public static async Task<BillingTally> RunAsync(IWorkflowContext context, BillingSegmentInput input)
    {
        var tally = BillingTally.Empty;
        foreach (var wave in BillingBatches.Waves(input.FirstBatch, input.Count, input.ParallelBatches))
        {
            var tallies = await Task.WhenAll(wave.Select(batch =>
                context.CallActivity<BillingTally>(BillingActivityNames.InvoiceBillingBatch, new BillingBatchRequest(input.Month, input.RunDate, batch)))).ConfigureAwait(true);
            tally = tallies.Aggregate(tally, (sum, part) => sum.Add(part));
        }

        return tally;
    }
}

/// <summary>A month's run status as a document (<c>reports/billing-{month}.status.json</c>), readable by any instance.</summary>
public sealed class BillingRunStatuses(IDocumentStore documents)
{
    public static string Path(YearMonth month) => $"reports/billing-{month:uuuu-MM}.status.json";

    public async Task<BillingRunStatus?> GetAsync(YearMonth month, CancellationToken cancellationToken = default)
    {
        var bytes = await documents.GetAsync(Path(month), cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : LifecycleJson.Deserialize<BillingRunStatus>(Encoding.UTF8.GetString(bytes));
    }

    public Task SaveAsync(BillingRunStatus status, CancellationToken cancellationToken = default) =>
        documents.PutAsync(Path(status.Month), "application/json", Encoding.UTF8.GetBytes(LifecycleJson.Serialize(status)), cancellationToken);
}

/// <summary>The activities of <see cref="BillingRunOrchestration"/>, over the same stores and page logic as the local run.</summary>
public sealed class BillingRunActivities(LifecycleStores stores, IContractEvents events, IClock clock)
{
    private readonly BillingRunStatuses statuses = new(stores.Documents);

    /// <summary>Lists every contract into batch documents; marks the run as running.</summary>
    public async Task<BillingBatchPlan> PlanAsync(BillingBatchRequest request, CancellationToken cancellationToken = default)
    {
        LifecycleDecider.EnsureMonthEnded(request.Month, request.RunDate);
        int batches = 0, contracts = 0;
        await foreach (var page in stores.Contracts.ScanAsync(request.BatchSize, cancellationToken).ConfigureAwait(false))
        {
            var ids = page.Select(s => s.State.ContractId).ToList();
            await stores.Documents.PutAsync(BillingBatches.Path(request.Month, batches), "application/json", Encoding.UTF8.GetBytes(LifecycleJson.Serialize(ids)), cancellationToken).ConfigureAwait(false);
            batches++;
            contracts += ids.Count;
        }

        var now = clock.GetCurrentInstant();
        var started = await statuses.GetAsync(request.Month, cancellationToken).ConfigureAwait(false) is { State: BillingRunState.Running } running ? running.StartedAt : now;
        await statuses.SaveAsync(new BillingRunStatus(request.Month, BillingRunState.Running, started, now, 0, 0), cancellationToken).ConfigureAwait(false);
        return new BillingBatchPlan(request.Month, request.RunDate, batches, contracts);
    }

    /// <summary>Invoices one batch: its contracts as they are stored now, through <see cref="MonthlyInvoicePage"/>.</summary>
    public async Task<BillingTally> InvoiceBatchAsync(BillingBatchRequest request, CancellationToken cancellationToken = default)
    {
        var bytes = await stores.Documents.GetAsync(BillingBatches.Path(request.Month, request.Batch), cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"batch {request.Batch} of {request.Month:uuuu-MM} was not planned");
        var contracts = new List<StoredContract>();
        foreach (var contractId in LifecycleJson.Deserialize<List<string>>(Encoding.UTF8.GetString(bytes)))
        {
            if (await stores.Contracts.GetAsync(contractId, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                contracts.Add(stored);
            }
        }

        var tally = await new MonthlyInvoicePage(stores, events, clock).RunAsync(request.Month, request.RunDate, contracts, cancellationToken).ConfigureAwait(false);
        if (tally.Failures.Count > 0)
        {
            // Every failure is kept here; what crosses the orchestration's history is bounded.
            await stores.Documents.PutAsync(BillingBatches.FailuresPath(request.Month, request.Batch), "application/json",
                Encoding.UTF8.GetBytes(LifecycleJson.Serialize(tally.Failures)), cancellationToken).ConfigureAwait(false);
        }

        return tally.Bounded();
    }

    public async Task<bool> RecordProgressAsync(BillingProgressRecord progress, CancellationToken cancellationToken = default)
    {
        var status = await CurrentAsync(progress.Month, cancellationToken).ConfigureAwait(false);
        await statuses.SaveAsync(status with { Contracts = progress.Contracts, Invoiced = progress.Invoiced, UpdatedAt = clock.GetCurrentInstant() }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> CompleteAsync(BillingRunReport report, CancellationToken cancellationToken = default)
    {
        report = await MonthlyInvoiceRun.StoreReportAsync(stores, report, cancellationToken).ConfigureAwait(false);
        var status = await CurrentAsync(report.Month, cancellationToken).ConfigureAwait(false);
        await statuses.SaveAsync(status with
        {
            State = BillingRunState.Completed, UpdatedAt = clock.GetCurrentInstant(), Contracts = report.Contracts, Invoiced = report.Invoiced, Report = report, Error = null,
        }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> RecordFailureAsync(BillingFailureRecord failure, CancellationToken cancellationToken = default)
    {
        var status = await CurrentAsync(failure.Month, cancellationToken).ConfigureAwait(false);
        await statuses.SaveAsync(status with { State = BillingRunState.Failed, UpdatedAt = clock.GetCurrentInstant(), Error = failure.Error }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>An activity as a Durable host runs it: input and result as <see cref="LifecycleJson"/> text.</summary>
    public async Task<string> RunJsonAsync(string name, string input, CancellationToken cancellationToken = default) => name switch
    {
        BillingActivityNames.PlanBillingBatches => LifecycleJson.Serialize(await PlanAsync(LifecycleJson.Deserialize<BillingBatchRequest>(input), cancellationToken).ConfigureAwait(false)),
        BillingActivityNames.InvoiceBillingBatch => LifecycleJson.Serialize(await InvoiceBatchAsync(LifecycleJson.Deserialize<BillingBatchRequest>(input), cancellationToken).ConfigureAwait(false)),
        BillingActivityNames.RecordBillingProgress => LifecycleJson.Serialize(await RecordProgressAsync(LifecycleJson.Deserialize<BillingProgressRecord>(input), cancellationToken).ConfigureAwait(false)),
        BillingActivityNames.CompleteBillingRun => LifecycleJson.Serialize(await CompleteAsync(LifecycleJson.Deserialize<BillingRunReport>(input), cancellationToken).ConfigureAwait(false)),
        BillingActivityNames.RecordBillingFailure => LifecycleJson.Serialize(await RecordFailureAsync(LifecycleJson.Deserialize<BillingFailureRecord>(input), cancellationToken).ConfigureAwait(false)),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown activity"),
    };

    private async Task<BillingRunStatus> CurrentAsync(YearMonth month, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        return await statuses.GetAsync(month, cancellationToken).ConfigureAwait(false) ?? new BillingRunStatus(month, BillingRunState.Running, now, now, 0, 0);
    }
}

/// <summary>
/// The Azure host's runs: a month's run is its own orchestration (<see cref="Orchestrations.BillingRunInstance"/>),
/// so a second start finds the running one, and its status document is what any instance reads.
/// </summary>
public sealed class OrchestratedBillingRuns(LifecycleStores stores, IOrchestrationClient orchestrations, IClock clock) : IBillingRuns
{
    private readonly BillingRunStatuses statuses = new(stores.Documents);

    public async Task<BillingRunStatus> StartAsync(YearMonth month, CancellationToken cancellationToken = default)
    {
        var now = clock.GetCurrentInstant();
        LifecycleDecider.EnsureMonthEnded(month, Tokyo.Today(now));
        var instance = Orchestrations.BillingRunInstance(month);
        var fresh = new BillingRunStatus(month, BillingRunState.Running, now, now, 0, 0);
        if (await statuses.GetAsync(month, cancellationToken).ConfigureAwait(false) is { State: BillingRunState.Running } running)
        {
            // Alive: left alone, its status returned as stored. Dead without having recorded why (its host
            // stopped, or recording the failure failed too): started again, which is safe, since a run
            // invoices nothing twice; the status is the new run's to write (a save here could overwrite its
            // outcome), so the answer only says when it was restarted.
            return await orchestrations.EnsureRunningAsync(Orchestrations.BillingRun, instance, new BillingRunInput(month), cancellationToken).ConfigureAwait(false)
                ? running with { UpdatedAt = now }
                : running;
        }

        // Stored before the start, so that a reader never finds an older month's outcome for a run under way.
        await statuses.SaveAsync(fresh, cancellationToken).ConfigureAwait(false);
        await orchestrations.EnsureRunningAsync(Orchestrations.BillingRun, instance, new BillingRunInput(month), cancellationToken).ConfigureAwait(false);
        return fresh;
    }

    public Task<BillingRunStatus?> GetAsync(YearMonth month, CancellationToken cancellationToken = default) => statuses.GetAsync(month, cancellationToken);
}
