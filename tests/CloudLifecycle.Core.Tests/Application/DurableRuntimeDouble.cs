using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>
/// The Durable runtime as the Azure host meets it, in memory: instances by id, events dropped for an
/// instance that does not run, rounds that end in ContinueAsNew with unprocessed events kept, timers
/// that fire once due, and every input, result and event carried as <see cref="WorkflowJson"/> text.
/// </summary>
internal sealed class DurableRuntimeDouble(ContractActivities activities, IClock clock) : IOrchestrationClient
{
    private readonly Dictionary<string, Instance> instances = new(StringComparer.Ordinal);

    public int Started { get; private set; }

    public int Dropped { get; private set; }

    /// <summary>A runtime that loses every event (a stuck worker): nothing raised is ever processed.</summary>
    public bool LoseEvents { get; set; }

    public IReadOnlyCollection<string> Running => instances.Where(i => i.Value.Running).Select(i => i.Key).ToList();

    public RoundInput InputOf(string instanceId) => WorkflowJson.Unwrap<RoundInput>(instances[instanceId].InputJson);

    public string OrchestratorOf(string instanceId) => instances[instanceId].Orchestrator;

    public void Terminate(string instanceId) => instances[instanceId].Running = false;

    public Task<bool> EnsureRunningAsync(string orchestrator, string instanceId, object input, CancellationToken cancellationToken = default)
    {
        if (instances.TryGetValue(instanceId, out var existing) && existing.Running)
        {
            return Task.FromResult(false);
        }

        instances[instanceId] = new Instance(orchestrator, WorkflowJson.Wrap(input));
        Started++;
        return Task.FromResult(true);
    }

    /// <summary>An instance that does not run refuses the event (as Azure Storage does); a stuck worker accepts and loses it.</summary>
    public Task<bool> RaiseEventAsync(string instanceId, Trigger trigger, CancellationToken cancellationToken = default)
    {
        if (!instances.TryGetValue(instanceId, out var instance) || !instance.Running)
        {
            Dropped++;
            return Task.FromResult(false);
        }

        if (LoseEvents)
        {
            Dropped++;
        }
        else
        {
            instance.Events.Enqueue(WorkflowJson.WrapEvent(trigger));
        }

        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<string>> StoppedInstancesAsync(string instanceIdPrefix, int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(instances.Where(i => !i.Value.Running && i.Key.StartsWith(instanceIdPrefix, StringComparison.Ordinal)).Select(i => i.Key).Take(max).ToList());

    /// <summary>Runs contract rounds while any has an event queued or a timer due; returns how many ran.</summary>
    public async Task<int> RunRoundsAsync()
    {
        var rounds = 0;
        while (instances.FirstOrDefault(i => i.Value.Running && i.Value.Orchestrator == Orchestrations.Contract && HasWork(i.Value)) is { Key: not null } next)
        {
            var instance = next.Value;
            var context = new Context(instance, clock.GetCurrentInstant(), activities);
            await LifecycleRound.RunAsync(context, WorkflowJson.Unwrap<RoundInput>(instance.InputJson));
            if (context.NextInput is { } continued)
            {
                instance.InputJson = continued;
            }
            else
            {
                instance.Running = false;
            }

            Assert.True(++rounds < 1_000, "rounds did not settle");
        }

        return rounds;
    }

    private bool HasWork(Instance instance) =>
        instance.Events.Count > 0
        || (WorkflowJson.Unwrap<RoundInput>(instance.InputJson).NextWake is { } wake && Tokyo.WakeInstant(wake) <= clock.GetCurrentInstant());

    private sealed class Instance(string orchestrator, string inputJson)
    {
        public string Orchestrator { get; } = orchestrator;

        public string InputJson { get; set; } = inputJson;

        public Queue<string> Events { get; } = new();

        public bool Running { get; set; } = true;
    }

    private sealed class Context(Instance instance, Instant now, ContractActivities activities) : IWorkflowContext
    {
        public string? NextInput { get; private set; }

        public Instant CurrentInstant => now;

        public Task CreateTimer(Instant fireAt, CancellationToken cancellationToken) =>
            fireAt <= now ? Task.CompletedTask : Task.Delay(Timeout.Infinite, cancellationToken);

        public async Task<T> WaitForEvent<T>(string eventName, CancellationToken cancellationToken)
        {
            if (instance.Events.TryDequeue(out var json))
            {
                return WorkflowJson.Unwrap<T>(json);
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new OperationCanceledException(cancellationToken);
        }

        public async Task<T> CallActivity<T>(string activityName, object? input) =>
            WorkflowJson.Unwrap<T>(await activities.RunJsonAsync(activityName, WorkflowJson.Wrap(input)));

        public Task<T> CallSubOrchestrator<T>(string orchestratorName, object? input) =>
            throw new InvalidOperationException($"a contract's round starts no sub-orchestration ({orchestratorName})");

        public void ContinueAsNew(object? input) => NextInput = WorkflowJson.Wrap(input);
    }
}
