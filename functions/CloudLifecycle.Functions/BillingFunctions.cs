using CloudLifecycle.Core.Application;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace CloudLifecycle.Functions;

/// <summary>
/// A month's invoice run (instance id <see cref="Orchestrations.BillingRunInstance"/>): core's
/// <see cref="BillingRunOrchestration"/>, a wave of <see cref="BillingSegmentOrchestration"/> sub-orchestrations per
/// generation (continued as new with its tally), each fanning out over <see cref="BillingRunActivities"/>' batches. A
/// batch whose contract changed meanwhile raises the invoice event to that contract's orchestration, hence the client binding.
/// </summary>
public sealed class BillingFunctions(BillingRunActivities activities)
{
    [Function(Orchestrations.BillingRun)]
    public static async Task<string> RunBilling([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var input = WorkflowJson.Unwrap<BillingRunInput>(context.GetInput<string>() ?? throw new InvalidOperationException("a billing run needs its month"));
        var logger = context.CreateReplaySafeLogger<BillingFunctions>();
        var report = await BillingRunOrchestration.RunAsync(new DurableWorkflowContext(context), input).ConfigureAwait(true);
        if (report is not null)
        {
            Log.BillingRun(logger, input.Month, report.Contracts, report.Invoiced, report.InvoicedTotal);
        }

        return WorkflowJson.Wrap(report);
    }

    [Function(Orchestrations.BillingSegment)]
    public static async Task<string> RunBillingSegment([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var input = WorkflowJson.Unwrap<BillingSegmentInput>(context.GetInput<string>() ?? throw new InvalidOperationException("a billing segment needs its batches"));
        return WorkflowJson.Wrap(await BillingSegmentOrchestration.RunAsync(new DurableWorkflowContext(context), input).ConfigureAwait(true));
    }

    [Function(BillingActivityNames.PlanBillingBatches)]
    public Task<string> PlanBillingBatches([ActivityTrigger] string input, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        RunAsync(BillingActivityNames.PlanBillingBatches, input, client, cancellationToken);

    [Function(BillingActivityNames.InvoiceBillingBatch)]
    public Task<string> InvoiceBillingBatch([ActivityTrigger] string input, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        RunAsync(BillingActivityNames.InvoiceBillingBatch, input, client, cancellationToken);

    [Function(BillingActivityNames.RecordBillingProgress)]
    public Task<string> RecordBillingProgress([ActivityTrigger] string input, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        RunAsync(BillingActivityNames.RecordBillingProgress, input, client, cancellationToken);

    [Function(BillingActivityNames.CompleteBillingRun)]
    public Task<string> CompleteBillingRun([ActivityTrigger] string input, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        RunAsync(BillingActivityNames.CompleteBillingRun, input, client, cancellationToken);

    [Function(BillingActivityNames.RecordBillingFailure)]
    public Task<string> RecordBillingFailure([ActivityTrigger] string input, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        RunAsync(BillingActivityNames.RecordBillingFailure, input, client, cancellationToken);

    private Task<string> RunAsync(string name, string input, DurableTaskClient client, CancellationToken cancellationToken)
    {
        InvocationOrchestrationClient.Bind(client);
        return activities.RunJsonAsync(name, input, cancellationToken);
    }
}
