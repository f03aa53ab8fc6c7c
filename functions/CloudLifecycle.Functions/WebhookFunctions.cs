using CloudLifecycle.Core.Application;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudLifecycle.Functions;

/// <summary>
/// The webhook outbox's timer: every minute, the same pass as the local host's tick (<see cref="WebhookDelivery"/>).
/// With no endpoint configured (<c>CloudLifecycle__Webhooks__Url</c>) nothing is recorded, no delivery is registered and
/// the timer does nothing.
/// </summary>
public sealed class WebhookFunctions(IServiceProvider services, ILogger<WebhookFunctions> logger)
{
    [Function("WebhookDelivery")]
    public async Task WebhookDeliveryAsync([TimerTrigger(TimerSchedules.WebhookDelivery)] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (services.GetService<WebhookDelivery>() is not { } delivery)
        {
            return;
        }

        var report = await delivery.DeliverAsync(cancellationToken).ConfigureAwait(false);
        if (report.Delivered + report.Retrying + report.Failed + report.ClaimedElsewhere > 0)
        {
            Log.Webhooks(logger, report.Delivered, report.Retrying, report.Failed, report.ClaimedElsewhere);
        }
    }
}
