using CloudLifecycle.Adapters.Email;
using CloudLifecycle.Adapters.Tables;
using CloudLifecycle.Adapters.Templates;
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
    public static LifecycleSettings Settings() => LifecycleSettings.From(LifecycleSettings.LocalConfiguration());

    public static DeliveryOptions Delivery() => Settings().Delivery;

    public static int BillingRunDay() => Settings().BillingRunDay;

    public static string FromAddress() => Settings().Smtp.FromAddress;

    /// <summary>Azure Storage (Azurite locally) from <c>CloudLifecycle:Storage:*</c>.</summary>
    public static Task<LifecycleStores> StorageAsync(CancellationToken cancellationToken = default)
    {
        var storage = Settings().Storage;
        return AzureStorage.ConnectAsync(storage.Account(), storage.TablePrefix, cancellationToken);
    }

    /// <summary>SMTP from <c>CloudLifecycle:Smtp:*</c> (maildev locally, Azure Communication Services' SMTP endpoint in Azure).</summary>
    public static IEmailSender Smtp() => new SmtpEmailSender(Settings().Smtp);

    public static OutboxDelivery Delivery(LifecycleStores stores, IEmailSender sender, IClock clock) =>
        new(stores.Outbox, new FluidNoticeRenderer(), sender, stores.Documents, clock, Delivery());

    /// <summary>The stores and sender as the shared registrations compose them (the Functions app's <c>Program.cs</c> calls the same).</summary>
    public static (LifecycleStores Stores, IEmailSender Sender) Registered()
    {
        using var provider = new ServiceCollection().AddCloudLifecycle(LifecycleSettings.LocalConfiguration()).BuildServiceProvider();
        return (provider.GetRequiredService<LifecycleStores>(), provider.GetRequiredService<IEmailSender>());
    }
}
