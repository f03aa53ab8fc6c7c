using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CloudLifecycle.Functions.Tests;

/// <summary>
/// Registers the app's own Durable functions with a Durable Task worker as the Functions host binds them:
/// every method of the Functions assembly marked <c>[Function]</c> whose trigger is <c>[OrchestrationTrigger]</c>
/// or <c>[ActivityTrigger]</c>, under its function name, its class built from the app's services, its
/// parameters bound by their attributes (the context, the activity's input, the <c>[DurableClient]</c>, the
/// invocation's cancellation token). Nothing is copied: a function added to the app is registered here too.
/// </summary>
internal sealed class DurableFunctionBinder(Assembly app, IServiceProvider services)
{
    private DurableTaskClient? client;

    public List<string> Orchestrators { get; } = [];

    public List<string> Activities { get; } = [];

    /// <summary>The client the <c>[DurableClient]</c> parameters get (the test host's, once it has started).</summary>
    public DurableTaskClient Client
    {
        get => client ?? throw new InvalidOperationException("the Durable client is bound once the test host has started");
        set => client = value;
    }

    public void Register(DurableTaskRegistry registry)
    {
        foreach (var method in app.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
            {
                continue;
            }

            var parameters = method.GetParameters();
            if (parameters.Any(p => p.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null))
            {
                // The app reads its input as text (GetInput<string>), so the worker is told the input is a string.
                registry.AddOrchestratorFunc<string?, string?>(function.Name, async (context, _) => (string?)await InvokeAsync(method, parameters, context, input: null).ConfigureAwait(true));
                Orchestrators.Add(function.Name);
            }
            else if (parameters.Any(p => p.GetCustomAttribute<ActivityTriggerAttribute>() is not null))
            {
                registry.AddActivityFunc<string, string?>(function.Name, async (_, input) => (string?)await InvokeAsync(method, parameters, orchestration: null, input).ConfigureAwait(false));
                Activities.Add(function.Name);
            }
        }
    }

    private async Task<object?> InvokeAsync(MethodInfo method, ParameterInfo[] parameters, TaskOrchestrationContext? orchestration, string? input)
    {
        var target = method.IsStatic ? null : ActivatorUtilities.GetServiceOrCreateInstance(services, method.DeclaringType!);
        var arguments = parameters.Select(p => Bind(p, orchestration, input)).ToArray();
        var task = (Task)method.Invoke(target, arguments)!;
        await task.ConfigureAwait(true);
        // A Task<T> function has a result; a Task function's runtime task is a Task<VoidTaskResult>, which is not one.
        return method.ReturnType.IsGenericType ? task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
    }

    private object? Bind(ParameterInfo parameter, TaskOrchestrationContext? orchestration, string? input) =>
        parameter.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null ? orchestration
        : parameter.GetCustomAttribute<ActivityTriggerAttribute>() is not null ? input
        : parameter.GetCustomAttribute<DurableClientAttribute>() is not null ? Client
        : parameter.ParameterType == typeof(CancellationToken) ? CancellationToken.None
        : throw new InvalidOperationException($"{parameter.Member.Name}: no binding for parameter {parameter.Name}");
}
