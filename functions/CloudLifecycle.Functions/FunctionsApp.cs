using CloudLifecycle.Api;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace CloudLifecycle.Functions;

/// <summary>
/// The Functions app's services: the registrations both hosts share, with events and billing runs going
/// to Durable orchestrations through the invocation's client. Everything is built once for the app: the
/// CRM API's Idempotency-Key locks must be shared by concurrent requests, which a per-request API is not.
/// The tests build the same services (with in-memory stores and their clock registered first).
/// </summary>
public static class FunctionsApp
{
    public static IServiceCollection AddFunctionsApp(this IServiceCollection services, IConfiguration configuration)
    {
        // Read and checked now, so that a missing or bad setting stops the app at start-up, naming it, rather than its first request.
        var settings = LifecycleSettings.From(configuration);
        settings.RequireIssuer();
        services.AddCloudLifecycle(settings).AddOrchestratedWorkflow();
        services.TryAddSingleton<InvocationOrchestrationClient>();
        services.TryAddSingleton<IOrchestrationClient>(sp => sp.GetRequiredService<InvocationOrchestrationClient>());
        services.TryAddSingleton<IContractEvents>(sp => new OrchestratedContractEvents(Stores(sp), sp.GetRequiredService<IOrchestrationClient>(), Clock(sp)));
        services.TryAddSingleton<IBillingRuns>(sp => new OrchestratedBillingRuns(Stores(sp), sp.GetRequiredService<IOrchestrationClient>(), Clock(sp)));
        services.TryAddSingleton(sp => new BillingRunActivities(Stores(sp), sp.GetRequiredService<IContractEvents>(), Clock(sp)));
        services.TryAddSingleton(sp => new OverdueCheckActivities(Stores(sp), sp.GetRequiredService<IContractEvents>()));
        services.TryAddSingleton(sp => new DailyJob(Stores(sp), sp.GetRequiredService<IContractEvents>(), sp.GetRequiredService<IBillingRuns>(), Clock(sp),
            new OrchestratedOverdueChecks(sp.GetRequiredService<IOrchestrationClient>())));
        services.TryAddSingleton(sp => new PendingCommandSweep(Stores(sp), Clock(sp)));
        services.TryAddSingleton(sp => new PendingEventReconciler(Stores(sp), sp.GetRequiredService<IOrchestrationClient>(), Clock(sp)));
        services.TryAddSingleton(sp => new StoppedContractRestarter(Stores(sp), sp.GetRequiredService<IOrchestrationClient>(), Clock(sp)));
        services.TryAddSingleton(sp => new CrmApi(
            sp.GetRequiredService<CrmApiOptions>(), Stores(sp), sp.GetRequiredService<IContractEvents>(), sp.GetRequiredService<IBillingRuns>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<CrmApi>()));
        return services;
    }

    private static LifecycleStores Stores(IServiceProvider services) => services.GetRequiredService<LifecycleStores>();

    private static IClock Clock(IServiceProvider services) => services.GetRequiredService<IClock>();
}
