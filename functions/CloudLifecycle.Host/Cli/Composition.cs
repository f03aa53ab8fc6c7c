using CloudLifecycle.Core.Application;
using CloudLifecycle.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// Composes the application from configuration (appsettings.json, then <c>CloudLifecycle__*</c>
/// environment variables), through the settings and registrations the Azure Functions app uses too.
/// </summary>
internal static class Composition
{
    public static LifecycleSettings Settings() => HostSettings.Settings();

    public static DeliveryOptions Delivery() => Settings().Delivery;

    public static int BillingRunDay() => Settings().BillingRunDay;

    public static string FromAddress() => Settings().Smtp.FromAddress;

    /// <summary>
    /// The local host's services: <paramref name="clock"/>, whatever <paramref name="local"/> registers first
    /// (in-memory stores, a file sender, the API's options and log), then the shared registrations
    /// (<see cref="LifecycleServices.AddCloudLifecycle(IServiceCollection, LifecycleSettings)"/>: Table and Blob
    /// storage, SMTP, outbox delivery) and the in-process event path (<see cref="LifecycleServices.AddLocalWorkflow"/>:
    /// the workflow, background billing runs, the daily job, the CRM API). Shared registrations give way to local ones.
    /// </summary>
    public static ServiceProvider Services(LifecycleSettings settings, IClock clock, Action<IServiceCollection>? local = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(clock);
        local?.Invoke(services);
        return services.AddCloudLifecycle(settings).AddLocalWorkflow().BuildServiceProvider();
    }
}
