using CloudLifecycle.Core.Application;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace CloudLifecycle.Functions;

/// <summary>
/// One orchestration per contract (instance id <see cref="Orchestrations.ContractInstance"/>): each run is
/// one <see cref="LifecycleRound"/> that ends in <c>ContinueAsNew</c>; its activities are core's
/// <see cref="ContractActivities"/>, JSON in and out.
/// </summary>
public sealed class ContractFunctions(ContractActivities activities)
{
    [Function(Orchestrations.Contract)]
    public static async Task RunContract([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var input = WorkflowJson.Unwrap<RoundInput>(context.GetInput<string>() ?? throw new InvalidOperationException("a contract orchestration needs its round input"));
        var logger = context.CreateReplaySafeLogger<ContractFunctions>();
        Log.Round(logger, input.ContractId, input.NextWake);
        await LifecycleRound.RunAsync(new DurableWorkflowContext(context), input).ConfigureAwait(true);
    }

    [Function(ActivityNames.LoadContract)]
    public Task<string> LoadContract([ActivityTrigger] string input, CancellationToken cancellationToken) =>
        activities.RunJsonAsync(ActivityNames.LoadContract, input, cancellationToken);

    [Function(ActivityNames.ExecuteCommands)]
    public Task<string> ExecuteCommands([ActivityTrigger] string input, CancellationToken cancellationToken) =>
        activities.RunJsonAsync(ActivityNames.ExecuteCommands, input, cancellationToken);

    [Function(ActivityNames.CompleteCommands)]
    public Task<string> CompleteCommands([ActivityTrigger] string input, CancellationToken cancellationToken) =>
        activities.RunJsonAsync(ActivityNames.CompleteCommands, input, cancellationToken);

    [Function(ActivityNames.SaveContract)]
    public Task<string> SaveContract([ActivityTrigger] string input, CancellationToken cancellationToken) =>
        activities.RunJsonAsync(ActivityNames.SaveContract, input, cancellationToken);

    [Function(ActivityNames.RecordRefusal)]
    public Task<string> RecordRefusal([ActivityTrigger] string input, CancellationToken cancellationToken) =>
        activities.RunJsonAsync(ActivityNames.RecordRefusal, input, cancellationToken);

    [Function(ActivityNames.AcknowledgeEvent)]
    public Task<string> AcknowledgeEvent([ActivityTrigger] string input, CancellationToken cancellationToken) =>
        activities.RunJsonAsync(ActivityNames.AcknowledgeEvent, input, cancellationToken);
}
