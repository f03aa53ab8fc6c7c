using Microsoft.Extensions.Logging;
using NodaTime;

namespace CloudLifecycle.Functions;

/// <summary>The app's log lines, as source-generated logger messages.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "round of {ContractId}; next wake {NextWake}")]
    public static partial void Round(ILogger logger, string contractId, LocalDate? nextWake);

    [LoggerMessage(2, LogLevel.Information, "billing run {Month}: {Contracts} contracts, {Invoiced} invoiced, ¥{Total}")]
    public static partial void BillingRun(ILogger logger, YearMonth month, int contracts, int invoiced, long total);

    [LoggerMessage(3, LogLevel.Information, "daily runs for {Today}: billing run started {Month}; {Overdue} overdue notices")]
    public static partial void DailyRuns(ILogger logger, LocalDate today, YearMonth? month, int overdue);

    [LoggerMessage(4, LogLevel.Information, "outbox: {Sent} sent, {Retrying} retrying, {GaveUp} given up, quota reached {QuotaReached}")]
    public static partial void Delivery(ILogger logger, int sent, int retrying, int gaveUp, bool quotaReached);

    [LoggerMessage(5, LogLevel.Information, "reconciled {Examined} pending events: {Acknowledged} cleared, {Started} orchestrations started, {Raised} raised again, {GivenUp} given up")]
    public static partial void Reconciled(ILogger logger, int examined, int acknowledged, int started, int raised, int givenUp);

    [LoggerMessage(6, LogLevel.Warning, "{Timer} fired late (last scheduled {Last}); it runs for the Tokyo day it runs on")]
    public static partial void Late(ILogger logger, string timer, DateTime? last);

    [LoggerMessage(7, LogLevel.Warning, "{Stopped} contract orchestrations found stopped; {Restarted} started again from their stored state")]
    public static partial void Restarted(ILogger logger, int stopped, int restarted);

    [LoggerMessage(8, LogLevel.Information, "overdue check of {Today}: {Contracts} contracts chased, {Notices} overdue notices, {Refused} moved on since the plan")]
    public static partial void OverdueCheck(ILogger logger, LocalDate today, int contracts, int notices, int refused);

    [LoggerMessage(9, LogLevel.Warning, "{Pending} contract rows hold pending commands: {Completed} run by the sweep, {Deferred} left for the next pass")]
    public static partial void Swept(ILogger logger, int pending, int completed, int deferred);

    [LoggerMessage(10, LogLevel.Information, "daily runs for {Today}: overdue check fanned out as {Instance}")]
    public static partial void OverdueCheckStarted(ILogger logger, LocalDate today, string instance);

    [LoggerMessage(11, LogLevel.Information, "webhooks: {Delivered} delivered, {Retrying} retrying, {Failed} failed, {ClaimedElsewhere} claimed by another instance")]
    public static partial void Webhooks(ILogger logger, int delivered, int retrying, int failed, int claimedElsewhere);
}
