using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Lifecycle;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using NodaTime;

namespace CloudLifecycle.Functions;

/// <summary>
/// Core's <see cref="IWorkflowContext"/> over a Durable <see cref="TaskOrchestrationContext"/>, one call to
/// one call. Inputs, results and events cross as <see cref="WorkflowJson"/> text; the orchestration's
/// <c>CurrentUtcDateTime</c> is its only clock; activities retry with back-off before a round fails.
/// </summary>
internal sealed class DurableWorkflowContext(TaskOrchestrationContext context) : IWorkflowContext
{
    /// <summary>Five attempts, 5 s doubling to at most 2 min: a storage blip is ridden out, a real fault still surfaces.</summary>
    private static readonly TaskOptions ActivityOptions = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2.0, maxRetryInterval: TimeSpan.FromMinutes(2)));

    public Instant CurrentInstant => Instant.FromDateTimeUtc(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc));

    public Task CreateTimer(Instant fireAt, CancellationToken cancellationToken) =>
        context.CreateTimer(fireAt.ToDateTimeUtc(), cancellationToken);

    public async Task<T> WaitForEvent<T>(string eventName, CancellationToken cancellationToken) =>
        WorkflowJson.Unwrap<T>(await context.WaitForExternalEvent<string>(eventName, cancellationToken).ConfigureAwait(true));

    public async Task<T> CallActivity<T>(string activityName, object? input) =>
        WorkflowJson.Unwrap<T>(await context.CallActivityAsync<string>(new TaskName(activityName), WorkflowJson.Wrap(input), ActivityOptions).ConfigureAwait(true));

    /// <summary>Events that arrived during the round stay queued for the next one.</summary>
    public void ContinueAsNew(object? input) => context.ContinueAsNew(WorkflowJson.Wrap(input), preserveUnprocessedEvents: true);
}

/// <summary>Core's <see cref="IOrchestrationClient"/> over the Durable client binding.</summary>
internal sealed class DurableOrchestrationClient(DurableTaskClient client) : IOrchestrationClient
{
    public async Task<bool> EnsureRunningAsync(string orchestrator, string instanceId, object input, CancellationToken cancellationToken = default)
    {
        if (IsAlive(await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false)))
        {
            return false;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(new TaskName(orchestrator), WorkflowJson.Wrap(input), new StartOrchestrationOptions(instanceId), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Another caller may have started it between the look and the start: then it runs, which is all that was asked.
            if (IsAlive(await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false)))
            {
                return false;
            }

            throw;
        }
    }

    public Task RaiseEventAsync(string instanceId, Trigger trigger, CancellationToken cancellationToken = default) =>
        client.RaiseEventAsync(instanceId, LifecycleRound.EventName, WorkflowJson.WrapEvent(trigger), cancellationToken);

    private static bool IsAlive(OrchestrationMetadata? instance) => instance?.RuntimeStatus is
        OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended
#pragma warning disable CS0618 // ContinuedAsNew is obsolete but still reported between two rounds.
        or OrchestrationRuntimeStatus.ContinuedAsNew;
#pragma warning restore CS0618
}
