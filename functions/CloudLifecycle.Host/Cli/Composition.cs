using CloudLifecycle.Adapters.Email;
using CloudLifecycle.Adapters.Tables;
using CloudLifecycle.Adapters.Templates;
using CloudLifecycle.Core.Application;
using NodaTime;

namespace CloudLifecycle.Host.Cli;

/// <summary>Composes the application from configuration: which stores, which sender, which quota.</summary>
internal static class Composition
{
    public static DeliveryOptions Delivery() => new(
        HourlyQuota: int.TryParse(HostSettings.Get("Email:HourlyQuota"), out var quota) && quota > 0 ? quota : 100,
        MessageIdDomain: HostSettings.Get("Email:MessageIdDomain") is { Length: > 0 } domain ? domain : "cloudlifecycle.invalid");

    public static int BillingRunDay() =>
        int.TryParse(HostSettings.Get("Billing:RunDay"), out var day) && day is >= 1 and <= 28 ? day : 1;

    public static string FromAddress() => HostSettings.Get("Smtp:From") is { Length: > 0 } from ? from : "notices@cloudlifecycle.invalid";

    /// <summary>Azure Storage (Azurite locally) from <c>CloudLifecycle:Storage:ConnectionString</c>.</summary>
    public static Task<LifecycleStores> StorageAsync(CancellationToken cancellationToken = default) =>
        AzureStorage.ConnectAsync(
            HostSettings.Get("Storage:ConnectionString") ?? "UseDevelopmentStorage=true",
            HostSettings.Get("Storage:TablePrefix") ?? string.Empty,
            cancellationToken);

    /// <summary>SMTP from <c>CloudLifecycle:Smtp:*</c> (maildev locally, Azure Communication Services' SMTP endpoint in Azure).</summary>
    public static IEmailSender Smtp() => new SmtpEmailSender(new SmtpSettings(
        HostSettings.Get("Smtp:Host") ?? "127.0.0.1",
        int.TryParse(HostSettings.Get("Smtp:Port"), out var port) ? port : 1025,
        FromAddress(),
        UserName: HostSettings.Get("Smtp:UserName"),
        Password: HostSettings.Get("Smtp:Password"),
        StartTls: string.Equals(HostSettings.Get("Smtp:StartTls"), "true", StringComparison.OrdinalIgnoreCase)));

    public static OutboxDelivery Delivery(LifecycleStores stores, IEmailSender sender, IClock clock) =>
        new(stores.Outbox, new FluidNoticeRenderer(), sender, stores.Documents, clock, Delivery());
}
