using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.DurableTask.Protobuf;

namespace CloudLifecycle.Functions.Tests;

/// <summary>
/// What the Durable Task worker tells the back end at the end of each orchestration episode (its
/// <c>CompleteOrchestratorTask</c> calls), recorded on the worker's gRPC channel through the worker's
/// own interceptor option: the actions it took, among them the events it sends to an instance. And what
/// the back end sends the worker for each episode (the work items of its <c>GetWorkItems</c> stream): the
/// history the orchestrator replays, past and new events.
/// </summary>
internal sealed class OrchestratorResponses : Interceptor
{
    private readonly ConcurrentQueue<OrchestratorResponse> responses = new();
    private readonly ConcurrentQueue<Episode> episodes = new();

    /// <summary>One episode the worker ran: the instance, its orchestrator's name, and how many history events it replayed.</summary>
    public sealed record Episode(string InstanceId, string Name, int HistoryEvents);

    public IReadOnlyList<Episode> Episodes => episodes.ToList();

    public IReadOnlyList<OrchestratorResponse> Of(string instanceId) => responses.Where(r => r.InstanceId == instanceId).ToList();

    /// <summary>Events the worker sent to <paramref name="instanceId"/> itself in an episode that continued as new.</summary>
    public IReadOnlyList<SendEventAction> CarriedAcrossContinueAsNew(string instanceId) =>
        Of(instanceId)
            .Where(r => r.Actions.Any(a => a.CompleteOrchestration?.OrchestrationStatus == OrchestrationStatus.ContinuedAsNew))
            .SelectMany(r => r.Actions.Select(a => a.SendEvent).Where(e => e is not null && e.Instance.InstanceId == instanceId))
            .ToList();

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        return new AsyncServerStreamingCall<TResponse>(new RecordingReader<TResponse>(call.ResponseStream, this), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        if (request is OrchestratorResponse response)
        {
            responses.Enqueue(response.Clone());
        }

        return continuation(request, context);
    }

    private void Record(WorkItem item)
    {
        if (item.OrchestratorRequest is { } request)
        {
            var events = request.PastEvents.Concat(request.NewEvents).ToList();
            var name = events.Select(e => e.ExecutionStarted?.Name).FirstOrDefault(n => n is not null) ?? string.Empty;
            episodes.Enqueue(new Episode(request.InstanceId, name, events.Count));
        }
    }

    private sealed class RecordingReader<T>(IAsyncStreamReader<T> inner, OrchestratorResponses owner) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var moved = await inner.MoveNext(cancellationToken).ConfigureAwait(false);
            if (moved && inner.Current is WorkItem item)
            {
                owner.Record(item);
            }

            return moved;
        }
    }
}
