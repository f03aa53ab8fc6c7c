using CloudLifecycle.Core.Application;
using CloudLifecycle.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace CloudLifecycle.Functions;

/// <summary>
/// The timer triggers. Schedules are UTC NCRONTAB (<see cref="TimerSchedules"/>); the Tokyo day is worked
/// out in core (<see cref="DailyRuns"/>), because Flex Consumption on Linux ignores <c>WEBSITE_TIME_ZONE</c>.
/// A late firing (<c>IsPastDue</c>) still runs: every job is idempotent and dated by when it runs.
/// </summary>
public sealed class ScheduledFunctions(
    LifecycleSettings settings, DailyJob daily, OutboxDelivery delivery, PendingEventReconciler reconciler, StoppedContractRestarter restarter,
    PendingCommandSweep sweep, ILogger<ScheduledFunctions> logger)
{
    [Function("DailyRuns")]
    public async Task DailyRunsAsync([TimerTrigger(TimerSchedules.DailyRuns)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        WarnIfLate(timer, "DailyRuns");
        InvocationOrchestrationClient.Bind(client);
        var report = await daily.RunAsync(settings.BillingRunDay, cancellationToken).ConfigureAwait(false);
        Log.DailyRuns(logger, report.Today, report.InvoiceRunStarted, report.OverdueNotices);
        if (report.OverdueCheckInstance is { } instance)
        {
            Log.OverdueCheckStarted(logger, report.Today, instance);
        }
    }

    [Function("OutboxDelivery")]
    public async Task OutboxDeliveryAsync([TimerTrigger(TimerSchedules.OutboxDelivery)] TimerInfo timer, CancellationToken cancellationToken)
    {
        WarnIfLate(timer, "OutboxDelivery");
        var report = await delivery.DeliverAsync(cancellationToken).ConfigureAwait(false);
        Log.Delivery(logger, report.Sent, report.Retrying, report.GaveUp, report.QuotaReached);
    }

    /// <summary>Every 10 minutes: events no round acknowledged are raised again (their stopped instances started first).</summary>
    [Function("ReconcileEvents")]
    public async Task ReconcileEventsAsync([TimerTrigger(TimerSchedules.Reconcile)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        WarnIfLate(timer, "ReconcileEvents");
        InvocationOrchestrationClient.Bind(client);
        var report = await reconciler.RunAsync(cancellationToken).ConfigureAwait(false);
        Log.Reconciled(logger, report.Examined, report.Acknowledged, report.Started, report.Raised, report.GivenUp);
    }

    /// <summary>
    /// Hourly: contract orchestrations that stopped (failed or terminated) are started again from their
    /// stored state, so no contract's reminders stop for good when no event comes to restart it.
    /// </summary>
    [Function("RestartStoppedContracts")]
    public async Task RestartStoppedContractsAsync([TimerTrigger(TimerSchedules.RestartStopped)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        WarnIfLate(timer, "RestartStoppedContracts");
        InvocationOrchestrationClient.Bind(client);
        var report = await restarter.RunAsync(cancellationToken).ConfigureAwait(false);
        if (report.Stopped > 0)
        {
            Log.Restarted(logger, report.Stopped, report.Restarted);
        }
    }

    /// <summary>
    /// Every ten minutes: contract rows whose stored decision's commands stayed pending (the host died between the save
    /// and the commands, and no round came after) have them run once, through the round's own path.
    /// </summary>
    [Function("SweepPendingCommands")]
    public async Task SweepPendingCommandsAsync([TimerTrigger(TimerSchedules.PendingCommandSweep)] TimerInfo timer, CancellationToken cancellationToken)
    {
        WarnIfLate(timer, "SweepPendingCommands");
        var report = await sweep.RunAsync(cancellationToken).ConfigureAwait(false);
        if (report.Pending > 0)
        {
            Log.Swept(logger, report.Pending, report.Completed, report.Deferred);
        }
    }

    private void WarnIfLate(TimerInfo timer, string name)
    {
        if (timer.IsPastDue)
        {
            Log.Late(logger, name, timer.ScheduleStatus?.Last);
        }
    }
}
