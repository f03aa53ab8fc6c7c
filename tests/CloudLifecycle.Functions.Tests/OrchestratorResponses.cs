using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.DurableTask.Protobuf;

namespace CloudLifecycle.Functions.Tests;

/// <summary>
/// What the Durable Task worker tells the back end at the end of each orchestration episode (its
/// <c>CompleteOrchestratorTask</c> calls), recorded on the worker's gRPC channel through the worker's
/// own interceptor option: the actions it took, among them the events it sends to an instance.
/// </summary>
internal sealed class OrchestratorResponses : Interceptor
{
    private readonly ConcurrentQueue<OrchestratorResponse> responses = new();

    public IReadOnlyList<OrchestratorResponse> Of(string instanceId) => responses.Where(r => r.InstanceId == instanceId).ToList();

    /// <summary>Events the worker sent to <paramref name="instanceId"/> itself in an episode that continued as new.</summary>
    public IReadOnlyList<SendEventAction> CarriedAcrossContinueAsNew(string instanceId) =>
        Of(instanceId)
            .Where(r => r.Actions.Any(a => a.CompleteOrchestration?.OrchestrationStatus == OrchestrationStatus.ContinuedAsNew))
            .SelectMany(r => r.Actions.Select(a => a.SendEvent).Where(e => e is not null && e.Instance.InstanceId == instanceId))
            .ToList();

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        if (request is OrchestratorResponse response)
        {
            responses.Enqueue(response.Clone());
        }

        return continuation(request, context);
    }
}
