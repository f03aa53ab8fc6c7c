using CloudLifecycle.Core.Application;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace CloudLifecycle.Functions;

/// <summary>
/// A month's invoice run (instance id <see cref="Orchestrations.BillingRunInstance"/>): core's fan-out/fan-in
/// <see cref="BillingRunOrchestration"/> over <see cref="BillingRunActivities"/>. A batch whose contract
/// changed meanwhile raises the invoice event to that contract's orchestration, hence the client binding.
/// </summary>
public sealed class BillingFunctions(LifecycleStores stores, IClock clock)
{
    [Function(Orchestrations.BillingRun)]
    public static async Task<string> RunBilling([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var input = WorkflowJson.Unwrap<BillingRunInput>(context.GetInput<string>() ?? throw new InvalidOperationException("a billing run needs its month"));
        var logger = context.CreateReplaySafeLogger<BillingFunctions>();
        var report = await BillingRunOrchestration.RunAsync(new DurableWorkflowContext(context), input).ConfigureAwait(true);
        Log.BillingRun(logger, input.Month, report.Contracts, report.Invoiced, report.InvoicedTotal);
        return WorkflowJson.Wrap(report);
    }

    [Function(BillingActivityNames.PlanBillingBatches)]
    public Task<string> PlanBillingBatches([ActivityTrigger] string input, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        Activities(client).RunJsonAsync(BillingActivityNames.PlanBillingBatches, input, context.CancellationToken);

    [Function(BillingActivityNames.InvoiceBillingBatch)]
    public Task<string> InvoiceBillingBatch([ActivityTrigger] string input, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        Activities(client).RunJsonAsync(BillingActivityNames.InvoiceBillingBatch, input, context.CancellationToken);

    [Function(BillingActivityNames.RecordBillingProgress)]
    public Task<string> RecordBillingProgress([ActivityTrigger] string input, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        Activities(client).RunJsonAsync(BillingActivityNames.RecordBillingProgress, input, context.CancellationToken);

    [Function(BillingActivityNames.CompleteBillingRun)]
    public Task<string> CompleteBillingRun([ActivityTrigger] string input, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        Activities(client).RunJsonAsync(BillingActivityNames.CompleteBillingRun, input, context.CancellationToken);

    [Function(BillingActivityNames.RecordBillingFailure)]
    public Task<string> RecordBillingFailure([ActivityTrigger] string input, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        Activities(client).RunJsonAsync(BillingActivityNames.RecordBillingFailure, input, context.CancellationToken);

    private BillingRunActivities Activities(DurableTaskClient client) =>
        new(stores, new OrchestratedContractEvents(stores, new DurableOrchestrationClient(client), clock), clock);
}
