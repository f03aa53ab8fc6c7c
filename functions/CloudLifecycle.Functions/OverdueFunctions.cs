using CloudLifecycle.Core.Application;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace CloudLifecycle.Functions;

/// <summary>
/// The day's overdue check (instance id <see cref="Orchestrations.OverdueCheckInstance"/>), started by the daily timer:
/// core's <see cref="OverdueCheckOrchestration"/> over <see cref="OverdueCheckActivities"/>. Each batch raises the day's
/// check to its contracts' orchestrations, hence the client binding.
/// </summary>
public sealed class OverdueFunctions(OverdueCheckActivities activities)
{
    [Function(Orchestrations.OverdueCheck)]
    public static async Task<string> RunOverdueCheck([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var input = WorkflowJson.Unwrap<OverdueCheckInput>(context.GetInput<string>() ?? throw new InvalidOperationException("an overdue check needs its day"));
        var tally = await OverdueCheckOrchestration.RunAsync(new DurableWorkflowContext(context), input).ConfigureAwait(true);
        if (tally is not null)
        {
            Log.OverdueCheck(context.CreateReplaySafeLogger<OverdueFunctions>(), input.Today, tally.Contracts, tally.Notices, tally.Refused);
        }

        return WorkflowJson.Wrap(tally);
    }

    [Function(OverdueActivityNames.PlanOverdueBatches)]
    public Task<string> PlanOverdueBatches([ActivityTrigger] string input, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        RunAsync(OverdueActivityNames.PlanOverdueBatches, input, client, cancellationToken);

    [Function(OverdueActivityNames.ChaseOverdueBatch)]
    public Task<string> ChaseOverdueBatch([ActivityTrigger] string input, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        RunAsync(OverdueActivityNames.ChaseOverdueBatch, input, client, cancellationToken);

    private Task<string> RunAsync(string name, string input, DurableTaskClient client, CancellationToken cancellationToken)
    {
        InvocationOrchestrationClient.Bind(client);
        return activities.RunJsonAsync(name, input, cancellationToken);
    }
}
