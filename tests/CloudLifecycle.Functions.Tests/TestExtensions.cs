using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Lifecycle;
using Microsoft.DurableTask.Client;

namespace CloudLifecycle.Functions.Tests;

internal static class TestExtensions
{
    /// <summary>Registers through the app's event path, as a function bound to <paramref name="client"/> does.</summary>
    public static Task<Decision> RegisterWith(this IContractEvents events, DurableTaskClient client, ContractRegistration registration)
    {
        InvocationOrchestrationClient.Bind(client);
        return events.RegisterAsync(registration);
    }

    /// <summary>Raises through the app's event path, as a function bound to <paramref name="client"/> does.</summary>
    public static Task<Decision> RaiseWith(this IContractEvents events, DurableTaskClient client, string contractId, Trigger trigger)
    {
        InvocationOrchestrationClient.Bind(client);
        return events.RaiseAsync(contractId, trigger, expectedVersion: null);
    }
}
