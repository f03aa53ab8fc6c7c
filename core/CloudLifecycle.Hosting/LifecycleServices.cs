using CloudLifecycle.Adapters.Email;
using CloudLifecycle.Adapters.Pdf;
using CloudLifecycle.Adapters.Tables;
using CloudLifecycle.Adapters.Templates;
using CloudLifecycle.Adapters.Webhooks;
using CloudLifecycle.Api;
using CloudLifecycle.Core.Application;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace CloudLifecycle.Hosting;

/// <summary>
/// The service registrations both hosts share: settings, clock, stores (Table and Blob Storage), the
/// SMTP sender, outbox delivery and the CRM API. A host adds only how contract events and billing runs
/// travel: in process locally (<see cref="AddLocalWorkflow"/>), through Durable orchestrations on Azure.
/// </summary>
public static class LifecycleServices
{
    public static IServiceCollection AddCloudLifecycle(this IServiceCollection services, IConfiguration configuration) =>
        services.AddCloudLifecycle(LifecycleSettings.From(configuration));

    /// <summary>As <see cref="AddCloudLifecycle(IServiceCollection, IConfiguration)"/>, from settings the host has read (and reported on) itself.</summary>
    public static IServiceCollection AddCloudLifecycle(this IServiceCollection services, LifecycleSettings settings)
    {
        services.AddSingleton(settings);
        services.TryAddSingleton<IClock>(SystemClock.Instance);
        // Connected once, on first use: the tables and container are created if missing.
        services.TryAddSingleton(_ => (settings.Webhooks is null
            ? AzureStorage.ConnectAsync(settings.Storage.Account(), settings.Storage.TablePrefix)
            : AzureStorage.ConnectWithWebhooksAsync(settings.Storage.Account(), settings.Storage.TablePrefix)).GetAwaiter().GetResult());
        services.TryAddSingleton<IEmailSender>(_ => new SmtpEmailSender(settings.Smtp));
        services.TryAddSingleton<INoticeRenderer, FluidNoticeRenderer>();
        services.TryAddSingleton(settings.Delivery);
        services.TryAddSingleton(sp => new OutboxDelivery(
            sp.GetRequiredService<LifecycleStores>().Outbox, sp.GetRequiredService<INoticeRenderer>(), sp.GetRequiredService<IEmailSender>(),
            sp.GetRequiredService<LifecycleStores>().Documents, sp.GetRequiredService<IClock>(), settings.Delivery,
            new InvoiceMail(sp.GetRequiredService<LifecycleStores>().Invoices, new PdfSharpInvoiceRenderer(), settings.DocumentLinks()),
            sp.GetRequiredService<LifecycleStores>().Webhooks));
        if (settings.Webhooks is { } webhooks)
        {
            // Only with an endpoint configured: a host asks for WebhookDelivery with GetService and skips its pass without one.
            services.TryAddSingleton<IWebhookSender>(_ => new HttpWebhookSender(webhooks.Url, WebhookSettings.Options.Timeout));
            services.TryAddSingleton(sp => new WebhookDelivery(
                sp.GetRequiredService<LifecycleStores>().Webhooks ?? throw new InvalidOperationException("webhooks are configured but the stores have no webhook outbox"),
                sp.GetRequiredService<IWebhookSender>(), webhooks.SigningKey(), sp.GetRequiredService<IClock>(), WebhookSettings.Options));
        }

        services.TryAddSingleton(_ => settings.ApiOptions(settings.Issuer ?? throw new InvalidOperationException(
            "no invoice issuer configured: set CloudLifecycle__Issuer__Name and CloudLifecycle__Issuer__RegistrationNumber")));
        return services;
    }

    /// <summary>The local host's event path: rounds run in this process, billing runs in its background, the daily job on its scheduler.</summary>
    public static IServiceCollection AddLocalWorkflow(this IServiceCollection services)
    {
        services.TryAddSingleton<IRetryJitter>(RandomRetryJitter.Instance);
        services.TryAddSingleton(sp => new ContractWorkflow(sp.GetRequiredService<LifecycleStores>(), sp.GetRequiredService<IClock>(), sp.GetRequiredService<IRetryJitter>())
        {
            ParallelWakeUps = sp.GetService<LifecycleSettings>()?.WakeParallel ?? LifecycleSettings.DefaultWakeParallel,
        });
        services.TryAddSingleton<IContractEvents>(sp => sp.GetRequiredService<ContractWorkflow>());
        services.TryAddSingleton<IBackgroundWork>(ThreadPoolBackgroundWork.Instance);
        services.TryAddSingleton(sp => new BackgroundBillingRuns(
            sp.GetRequiredService<LifecycleStores>(), sp.GetRequiredService<ContractWorkflow>(), sp.GetRequiredService<IClock>(), sp.GetRequiredService<IBackgroundWork>()));
        services.TryAddSingleton<IBillingRuns>(sp => sp.GetRequiredService<BackgroundBillingRuns>());
        services.TryAddSingleton(sp => new DailyJob(
            sp.GetRequiredService<LifecycleStores>(), sp.GetRequiredService<IContractEvents>(), sp.GetRequiredService<IBillingRuns>(), sp.GetRequiredService<IClock>()));
        services.TryAddSingleton(sp => new CrmApi(
            sp.GetRequiredService<CrmApiOptions>(), sp.GetRequiredService<LifecycleStores>(), sp.GetRequiredService<IContractEvents>(),
            sp.GetRequiredService<IBillingRuns>(), sp.GetService<ILoggerFactory>()?.CreateLogger<CrmApi>()));
        return services;
    }

    /// <summary>
    /// The Azure host's event path: events and runs go to Durable orchestrations through an
    /// <see cref="IOrchestrationClient"/> made per invocation from the client binding; what is shared is the activities.
    /// </summary>
    public static IServiceCollection AddOrchestratedWorkflow(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new ContractActivities(sp.GetRequiredService<LifecycleStores>(), sp.GetRequiredService<IClock>()));
        return services;
    }
}
