using System.Globalization;
using NodaTime;

namespace CloudLifecycle.Core.Application;

/// <summary>
/// The timer triggers' schedules: six-field NCRONTAB (second minute hour day month day-of-week) in UTC.
/// Flex Consumption on Linux ignores <c>WEBSITE_TIME_ZONE</c>, so each schedule is written in UTC and
/// the day it stands for is worked out in Asia/Tokyo in code (<see cref="DailyRuns.Plan"/>).
/// </summary>
public static class TimerSchedules
{
    /// <summary>00:00 UTC is 09:00 in Tokyo (UTC+9 all year, no daylight saving): <see cref="Tokyo.WakeTime"/>, the contracts' own hour.</summary>
    public const string DailyRuns = "0 0 0 * * *";

    /// <summary>
    /// Every minute: a pass sends at most the minute's quota (<see cref="DeliveryOptions.MinuteQuota"/>), so passes a
    /// minute apart are what lets delivery reach the hourly quota when it is more than twelve minutes' worth (a raised
    /// ACS quota); with the defaults, 30 a minute and 100 an hour, the hour's emails go in its first four passes.
    /// </summary>
    public const string OutboxDelivery = "0 * * * * *";

    /// <summary>Every minute, half a minute after the email pass (whose sent notices it then announces): the webhook outbox's pass.</summary>
    public const string WebhookDelivery = "30 * * * * *";

    /// <summary>Every ten minutes: twice <see cref="PendingEventReconciler.Grace"/>, so an unacknowledged event waits at most fifteen.</summary>
    public const string Reconcile = "0 */10 * * * *";

    /// <summary>
    /// Hourly, at half past (clear of the daily run at the top of 00:00): the stopped-orchestration query
    /// filters the Durable instances table by status, which Azure Storage answers by reading the whole
    /// table (a million rows at a million contracts), too much for every ten minutes. An event for a
    /// stopped contract restarts it at once anyway (<see cref="OrchestratedContractEvents.DeliverAsync"/>);
    /// this pass is for contracts no event reaches, whose timer then fires at most an hour late.
    /// </summary>
    public const string RestartStopped = "0 30 * * * *";

    /// <summary>
    /// Every ten minutes, at 5, 15, 25 … (clear of the reconciler's): rows holding commands pending for at least
    /// <see cref="PendingCommandSweep.MinimumAge"/> (seen by two passes) have them run, 10–20 minutes after the crash.
    /// </summary>
    public const string PendingCommandSweep = "0 5-59/10 * * * *";
}

/// <summary>
/// The times of day a six-field NCRONTAB expression fires, for the forms the schedules use: <c>*</c>,
/// a number, <c>*/n</c>, <c>a-b</c> and lists, in the second, minute and hour fields, and <c>*</c> in the
/// day, month and day-of-week fields (every schedule here runs every day).
/// </summary>
public sealed class DailyCron
{
    private readonly int[] seconds;
    private readonly int[] minutes;
    private readonly int[] hours;

    private DailyCron(int[] seconds, int[] minutes, int[] hours)
    {
        this.seconds = seconds;
        this.minutes = minutes;
        this.hours = hours;
    }

    public static DailyCron Parse(string expression)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6)
        {
            throw new FormatException($"'{expression}' is not a six-field NCRONTAB expression");
        }

        if (fields[3..].Any(f => f != "*"))
        {
            throw new FormatException($"'{expression}' does not fire every day");
        }

        return new DailyCron(Field(fields[0], 59), Field(fields[1], 59), Field(fields[2], 23));
    }

    /// <summary>The UTC times of day it fires, in order.</summary>
    public IReadOnlyList<LocalTime> TimesOfDay() =>
        (from h in hours from m in minutes from s in seconds select new LocalTime(h, m, s)).Order().ToList();

    private static int[] Field(string field, int max) =>
        field.Split(',').SelectMany(part => Values(part, max)).Distinct().Order().ToArray();

    private static IEnumerable<int> Values(string part, int max)
    {
        var (range, step) = part.Split('/') switch
        {
            [var r] => (r, 1),
            [var r, var s] when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 => (r, n),
            _ => throw new FormatException($"'{part}' is not a cron field"),
        };
        var (from, to) = range switch
        {
            "*" => (0, max),
            _ when range.Split('-') is [var a, var b] => (Number(a, max), Number(b, max)),
            _ => (Number(range, max), step == 1 ? Number(range, max) : max),
        };
        for (var value = from; value <= to; value += step)
        {
            yield return value;
        }
    }

    private static int Number(string text, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= max
            ? value
            : throw new FormatException($"'{text}' is not a number from 0 to {max}");
}

/// <summary>What the daily runs owe on a firing: the Tokyo day, and the month to invoice if one is due.</summary>
public sealed record DailyRunPlan(LocalDate Today, YearMonth? MonthToInvoice);

/// <summary>The daily runs' calendar, shared by the local scheduler and the Azure timer trigger.</summary>
public static class DailyRuns
{
    /// <summary>
    /// The Tokyo day of a firing (a late firing, <c>IsPastDue</c>, belongs to the day it runs on), and
    /// the previous month from the billing day on: invoices are issued once a month has ended (§ of each
    /// product's billing clause), on the configured day or at the first firing after it.
    /// </summary>
    public static DailyRunPlan Plan(Instant firedAt, int billingRunDay)
    {
        var today = Tokyo.Today(firedAt);
        return new DailyRunPlan(today, today.Day >= billingRunDay ? today.ToYearMonth().PlusMonths(-1) : null);
    }

    /// <summary>
    /// Whether the owed month goes to <see cref="IBillingRuns.StartAsync"/>: unless it completed. A status
    /// that says "running" may belong to a run that died before it could record its failure, so it is
    /// handed on too: the start leaves a run that is alive alone and starts a dead one again.
    /// </summary>
    public static bool NeedsStart(BillingRunStatus? status) => status is not { State: BillingRunState.Completed };
}

/// <summary>
/// What one daily firing did. On Azure the overdue check runs as the day's orchestration (<see cref="OverdueCheckInstance"/>)
/// and counts its notices there, so <see cref="OverdueNotices"/> is 0.
/// </summary>
public sealed record DailyRunReport(LocalDate Today, YearMonth? InvoiceRunStarted, int OverdueNotices, string? OverdueCheckInstance = null);

/// <summary>
/// The daily job of the Azure timer: start the owed month's invoice run unless it is running or done,
/// then chase overdue invoices (in this process, or fanned out by the day's orchestration: <see cref="IOverdueChecks"/>).
/// Both steps are idempotent, so a repeated or late firing is harmless.
/// </summary>
public sealed class DailyJob(LifecycleStores stores, IContractEvents events, IBillingRuns billingRuns, IClock clock, IOverdueChecks? overdueChecks = null)
{
    private readonly IOverdueChecks overdueChecks = overdueChecks ?? new InlineOverdueChecks(stores, events);

    public async Task<DailyRunReport> RunAsync(int billingRunDay, CancellationToken cancellationToken = default)
    {
        var plan = DailyRuns.Plan(clock.GetCurrentInstant(), billingRunDay);
        YearMonth? started = null;
        if (plan.MonthToInvoice is { } month && await billingRuns.GetAsync(month, cancellationToken).ConfigureAwait(false) is var status && DailyRuns.NeedsStart(status))
        {
            // A run found alive comes back as it was stored: nothing was started.
            if (await billingRuns.StartAsync(month, cancellationToken).ConfigureAwait(false) != status)
            {
                started = month;
            }
        }

        var (overdue, instance) = await overdueChecks.RunAsync(plan.Today, cancellationToken).ConfigureAwait(false);
        return new DailyRunReport(plan.Today, started, overdue, instance);
    }
}
