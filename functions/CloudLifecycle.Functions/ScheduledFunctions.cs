using CloudLifecycle.Core.Application;
using CloudLifecycle.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace CloudLifecycle.Functions;

/// <summary>
/// The timer triggers. Schedules are UTC NCRONTAB (<see cref="TimerSchedules"/>); the Tokyo day is worked
/// out in core (<see cref="DailyRuns"/>), because Flex Consumption on Linux ignores <c>WEBSITE_TIME_ZONE</c>.
/// A late firing (<c>IsPastDue</c>) still runs: every job is idempotent and dated by when it runs.
/// </summary>
public sealed class ScheduledFunctions(LifecycleStores stores, LifecycleSettings settings, OutboxDelivery delivery, IClock clock, ILogger<ScheduledFunctions> logger)
{
    [Function("DailyRuns")]
    public async Task DailyRunsAsync([TimerTrigger(TimerSchedules.DailyRuns)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        WarnIfLate(timer, "DailyRuns");
        var orchestrations = new DurableOrchestrationClient(client);
        var job = new DailyJob(stores, new OrchestratedContractEvents(stores, orchestrations, clock), new OrchestratedBillingRuns(stores, orchestrations, clock), clock);
        var report = await job.RunAsync(settings.BillingRunDay, context.CancellationToken).ConfigureAwait(false);
        Log.DailyRuns(logger, report.Today, report.InvoiceRunStarted, report.OverdueNotices);
    }

    [Function("OutboxDelivery")]
    public async Task OutboxDeliveryAsync([TimerTrigger(TimerSchedules.OutboxDelivery)] TimerInfo timer, FunctionContext context)
    {
        WarnIfLate(timer, "OutboxDelivery");
        var report = await delivery.DeliverAsync(context.CancellationToken).ConfigureAwait(false);
        Log.Delivery(logger, report.Sent, report.Retrying, report.GaveUp, report.QuotaReached);
    }

    [Function("ReconcileEvents")]
    public async Task ReconcileEventsAsync([TimerTrigger(TimerSchedules.Reconcile)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        WarnIfLate(timer, "ReconcileEvents");
        var report = await new PendingEventReconciler(stores, new DurableOrchestrationClient(client), clock).RunAsync(context.CancellationToken).ConfigureAwait(false);
        Log.Reconciled(logger, report.Examined, report.Acknowledged, report.Started, report.Raised, report.GivenUp);
    }

    private void WarnIfLate(TimerInfo timer, string name)
    {
        if (timer.IsPastDue)
        {
            Log.Late(logger, name, timer.ScheduleStatus?.Last);
        }
    }
}
