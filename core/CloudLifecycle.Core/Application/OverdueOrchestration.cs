using System.Text;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Core.Application;

/// <summary>
/// How the daily overdue check is cut up: <see cref="BatchSize"/> contracts a batch (one activity), <see cref="ParallelBatches"/>
/// in flight, <see cref="WavesPerGeneration"/> waves before the orchestration continues as new, so that its history stays
/// bounded however many contracts are overdue.
/// </summary>
public sealed record OverdueCheckShape(int BatchSize, int ParallelBatches, int WavesPerGeneration)
{
    /// <summary>100 contracts a batch, 8 batches at once, 4 waves (32 batches, 3,200 contracts) per generation.</summary>
    public static OverdueCheckShape Default { get; } = new(MonthlyInvoiceRun.DefaultPageSize, 8, 4);
}

/// <summary>What the check carries across <c>ContinueAsNew</c>: the plan, the next batch, the counts so far.</summary>
public sealed record OverdueCheckCarry(int Batches, int Contracts, int NextBatch, int Notices, int Refused);

/// <summary>The input of a day's overdue check; the day is the firing's Tokyo day, fixed for every replay.</summary>
public sealed record OverdueCheckInput(LocalDate Today)
{
    public OverdueCheckShape Shape { get; init; } = OverdueCheckShape.Default;

    public OverdueCheckCarry? Carry { get; init; }
}

/// <summary>A batch of the day's overdue contracts (the plan lists them in <see cref="OverdueCheckOrchestration.BatchPath"/>).</summary>
public sealed record OverdueBatchRequest(LocalDate Today, int Batch)
{
    public int BatchSize { get; init; } = MonthlyInvoiceRun.DefaultPageSize;
}

/// <summary>How many batches the plan wrote, and how many contracts they hold.</summary>
public sealed record OverdueBatchPlan(int Batches, int Contracts);

/// <summary>What one batch (or the whole check) did: contracts chased, overdue notices enqueued, events refused.</summary>
public sealed record OverdueTally(int Contracts, int Notices, int Refused);

/// <summary>The activities of <see cref="OverdueCheckOrchestration"/>.</summary>
public static class OverdueActivityNames
{
    public const string PlanOverdueBatches = nameof(PlanOverdueBatches);
    public const string ChaseOverdueBatch = nameof(ChaseOverdueBatch);
}

/// <summary>
/// The daily overdue check on Azure, fanned out (issue 14 point 8): the plan lists the contracts with an invoice past its
/// due date into batch documents (one read of the contracts, no event raised); the batches are chased a wave at a time,
/// each an activity raising the day's <see cref="OverdueCheck"/> to its contracts (one event id per day, so a repeat is
/// harmless); after <see cref="OverdueCheckShape.WavesPerGeneration"/> waves the orchestration continues as new with its
/// counts. It returns the day's tally once every batch ran.
/// </summary>
public static class OverdueCheckOrchestration
{
    public static string BatchPath(LocalDate today, int batch) => $"reports/overdue-{LifecycleJson.Iso(today)}/batch-{batch:D5}.json";

    /// <summary>The tally once every batch ran; null when this generation continued as new.</summary>
    public static async Task<OverdueTally?> RunAsync(IWorkflowContext context, OverdueCheckInput input)
    {
        var shape = input.Shape;
        var carry = input.Carry;
        if (carry is null)
        {
            var plan = await context.CallActivity<OverdueBatchPlan>(OverdueActivityNames.PlanOverdueBatches,
                new OverdueBatchRequest(input.Today, 0) { BatchSize = shape.BatchSize }).ConfigureAwait(true);
            carry = new OverdueCheckCarry(plan.Batches, plan.Contracts, 0, 0, 0);
        }

        var waves = BillingBatches.Waves(carry.NextBatch, carry.Batches - carry.NextBatch, shape.ParallelBatches).Take(shape.WavesPerGeneration).ToList();
        foreach (var wave in waves)
        {
            var tallies = await Task.WhenAll(wave.Select(batch => context.CallActivity<OverdueTally>(OverdueActivityNames.ChaseOverdueBatch,
                new OverdueBatchRequest(input.Today, batch)))).ConfigureAwait(true);
            carry = carry with { NextBatch = wave[^1] + 1, Notices = carry.Notices + tallies.Sum(t => t.Notices), Refused = carry.Refused + tallies.Sum(t => t.Refused) };
        }

        if (carry.NextBatch < carry.Batches)
        {
            context.ContinueAsNew(input with { Carry = carry });
            return null;
        }

        return new OverdueTally(carry.Contracts, carry.Notices, carry.Refused);
    }
}

/// <summary>The activities of <see cref="OverdueCheckOrchestration"/>, over the same stores and event path as the local check.</summary>
public sealed class OverdueCheckActivities(LifecycleStores stores, IContractEvents events)
{
    /// <summary>Lists the contracts with an invoice past its due date on <see cref="OverdueBatchRequest.Today"/>, a batch a document.</summary>
    public async Task<OverdueBatchPlan> PlanAsync(OverdueBatchRequest request, CancellationToken cancellationToken = default)
    {
        int batches = 0, contracts = 0;
        var ids = new List<string>(request.BatchSize);
        await foreach (var page in stores.Contracts.ScanAsync(MonthlyInvoiceRun.DefaultPageSize, cancellationToken).ConfigureAwait(false))
        {
            foreach (var stored in page.Where(s => OverdueCheckRun.IsOverdue(s.State, request.Today)))
            {
                ids.Add(stored.State.ContractId);
                if (ids.Count == request.BatchSize)
                {
                    await PutAsync(request.Today, batches++, ids, cancellationToken).ConfigureAwait(false);
                    contracts += ids.Count;
                    ids.Clear();
                }
            }
        }

        if (ids.Count > 0)
        {
            await PutAsync(request.Today, batches++, ids, cancellationToken).ConfigureAwait(false);
            contracts += ids.Count;
        }

        return new OverdueBatchPlan(batches, contracts);
    }

    /// <summary>Raises the day's overdue check to each contract of the batch (through its round, as the local check does).</summary>
    public async Task<OverdueTally> ChaseAsync(OverdueBatchRequest request, CancellationToken cancellationToken = default)
    {
        var bytes = await stores.Documents.GetAsync(OverdueCheckOrchestration.BatchPath(request.Today, request.Batch), cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"overdue batch {request.Batch} of {LifecycleJson.Iso(request.Today)} was not planned");
        var ids = LifecycleJson.Deserialize<List<string>>(Encoding.UTF8.GetString(bytes));
        int notices = 0, refused = 0;
        foreach (var contractId in ids)
        {
            try
            {
                notices += await OverdueCheckRun.ChaseAsync(events, contractId, request.Today, cancellationToken).ConfigureAwait(false);
            }
            catch (ContractRuleException)
            {
                // The contract moved on since the plan (closed, paid): nothing to chase.
                refused++;
            }
        }

        return new OverdueTally(ids.Count, notices, refused);
    }

    /// <summary>An activity as a Durable host runs it: input and result as <see cref="LifecycleJson"/> text.</summary>
    public async Task<string> RunJsonAsync(string name, string input, CancellationToken cancellationToken = default) => name switch
    {
        OverdueActivityNames.PlanOverdueBatches => LifecycleJson.Serialize(await PlanAsync(LifecycleJson.Deserialize<OverdueBatchRequest>(input), cancellationToken).ConfigureAwait(false)),
        OverdueActivityNames.ChaseOverdueBatch => LifecycleJson.Serialize(await ChaseAsync(LifecycleJson.Deserialize<OverdueBatchRequest>(input), cancellationToken).ConfigureAwait(false)),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown activity"),
    };

    private Task PutAsync(LocalDate today, int batch, List<string> ids, CancellationToken cancellationToken) =>
        stores.Documents.PutAsync(OverdueCheckOrchestration.BatchPath(today, batch), "application/json", Encoding.UTF8.GetBytes(LifecycleJson.Serialize(ids)), cancellationToken);
}

/// <summary>Where the daily job sends the overdue check: run here (the local host) or started as an orchestration (Azure).</summary>
public interface IOverdueChecks
{
    /// <summary>Runs or starts the check of <paramref name="today"/>; returns the notices enqueued here (0 when started elsewhere) and the instance started, if any.</summary>
    Task<(int Notices, string? Instance)> RunAsync(LocalDate today, CancellationToken cancellationToken = default);
}

/// <summary>The check in this process, contract after contract (the local host, the simulation).</summary>
public sealed class InlineOverdueChecks(LifecycleStores stores, IContractEvents events) : IOverdueChecks
{
    public async Task<(int Notices, string? Instance)> RunAsync(LocalDate today, CancellationToken cancellationToken = default) =>
        (await new OverdueCheckRun(stores, events).RunAsync(cancellationToken).ConfigureAwait(false), null);
}

/// <summary>The check as the day's orchestration (<see cref="Orchestrations.OverdueCheckInstance"/>), started unless it runs.</summary>
public sealed class OrchestratedOverdueChecks(IOrchestrationClient orchestrations) : IOverdueChecks
{
    public async Task<(int Notices, string? Instance)> RunAsync(LocalDate today, CancellationToken cancellationToken = default)
    {
        var instance = Orchestrations.OverdueCheckInstance(today);
        await orchestrations.EnsureRunningAsync(Orchestrations.OverdueCheck, instance, new OverdueCheckInput(today), cancellationToken).ConfigureAwait(false);
        return (0, instance);
    }
}
