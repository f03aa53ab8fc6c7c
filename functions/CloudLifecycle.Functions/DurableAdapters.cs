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

    /// <summary>
    /// A child orchestration (a billing segment), not retried as a whole: its activities already retry, and a segment that
    /// fails after theirs ends the run failed, to be started again by the daily job (which invoices nothing twice).
    /// </summary>
    public async Task<T> CallSubOrchestrator<T>(string orchestratorName, object? input) =>
        WorkflowJson.Unwrap<T>(await context.CallSubOrchestratorAsync<string>(new TaskName(orchestratorName), WorkflowJson.Wrap(input)).ConfigureAwait(true));

    /// <summary>
    /// Events that arrived during the round stay queued for the next one: the worker (Microsoft.DurableTask.Worker
    /// 1.27, under Extensions.DurableTask 1.21.1) buffers an event that no live wait takes (the round's cancelled
    /// wait no longer consumes it) and sends it to this instance again as it continues as new.
    /// </summary>
    public void ContinueAsNew(object? input) => context.ContinueAsNew(WorkflowJson.Wrap(input), preserveUnprocessedEvents: true);
}

/// <summary>Core's <see cref="IOrchestrationClient"/> over a Durable client.</summary>
internal sealed class DurableOrchestrationClient(DurableTaskClient client) : IOrchestrationClient
{
    public async Task<bool> EnsureRunningAsync(string orchestrator, string instanceId, object input, CancellationToken cancellationToken = default)
    {
        if (await IsAliveAsync(instanceId, cancellationToken).ConfigureAwait(false))
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
            if (await IsAliveAsync(instanceId, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            throw;
        }
    }

    /// <summary>
    /// Raises only to a live instance. Azure Storage throws for any other ("Cannot raise event … because
    /// instance is in Failed state"), which reached the CRM as a 500; now the caller is told, and starts it.
    /// </summary>
    public async Task<bool> RaiseEventAsync(string instanceId, Trigger trigger, CancellationToken cancellationToken = default)
    {
        if (!await IsAliveAsync(instanceId, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            await client.RaiseEventAsync(instanceId, LifecycleRound.EventName, WorkflowJson.WrapEvent(trigger), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // It stopped between the look and the raise: not raised, and the caller deals with that. Alive, the fault is real.
            if (!await IsAliveAsync(instanceId, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            throw;
        }
    }

    public async Task<IReadOnlyList<string>> StoppedInstancesAsync(string instanceIdPrefix, int max, CancellationToken cancellationToken = default)
    {
        var query = new OrchestrationQuery
        {
            InstanceIdPrefix = instanceIdPrefix,
            Statuses = [OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated],
            PageSize = max,
            FetchInputsAndOutputs = false,
        };
        var stopped = new List<string>();
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            stopped.Add(instance.InstanceId);
            if (stopped.Count == max)
            {
                break;
            }
        }

        return stopped;
    }

    private async Task<bool> IsAliveAsync(string instanceId, CancellationToken cancellationToken) =>
        (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false))?.RuntimeStatus is
            OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended
#pragma warning disable CS0618 // ContinuedAsNew is obsolete but still reported between two rounds.
            or OrchestrationRuntimeStatus.ContinuedAsNew;
#pragma warning restore CS0618
}

/// <summary>
/// The Durable client of the function invocation in progress, for the services the app builds once: the CRM
/// API above all, whose Idempotency-Key locks only work when every request shares them. A trigger binds its
/// <c>[DurableClient]</c> for the length of its invocation (<see cref="Bind"/>, an async-local value, so
/// concurrent invocations each see their own); every such client speaks to the same task hub.
/// </summary>
public sealed class InvocationOrchestrationClient : IOrchestrationClient
{
    private static readonly AsyncLocal<DurableOrchestrationClient?> Bound = new();

    /// <summary>Binds <paramref name="client"/> to the calling invocation (a synchronous call, so the value flows on to the caller).</summary>
    public static void Bind(DurableTaskClient client) => Bound.Value = new DurableOrchestrationClient(client);

    private static DurableOrchestrationClient Current =>
        Bound.Value ?? throw new InvalidOperationException("no Durable client is bound to this invocation: its trigger must take a [DurableClient] and bind it");

    public Task<bool> EnsureRunningAsync(string orchestrator, string instanceId, object input, CancellationToken cancellationToken = default) =>
        Current.EnsureRunningAsync(orchestrator, instanceId, input, cancellationToken);

    public Task<bool> RaiseEventAsync(string instanceId, Trigger trigger, CancellationToken cancellationToken = default) =>
        Current.RaiseEventAsync(instanceId, trigger, cancellationToken);

    public Task<IReadOnlyList<string>> StoppedInstancesAsync(string instanceIdPrefix, int max, CancellationToken cancellationToken = default) =>
        Current.StoppedInstancesAsync(instanceIdPrefix, max, cancellationToken);
}
