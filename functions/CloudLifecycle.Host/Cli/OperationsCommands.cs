using System.Diagnostics;
using System.Globalization;
using CloudLifecycle.Core.Application;
using NodaTime;
using NodaTime.Text;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// <c>run-month 2026-10</c>: the monthly invoice run on demand, against the configured storage
/// (Azurite locally). Idempotent: a second run of the month issues nothing and sends nothing again.
/// <c>--as-of</c> sets the run date (default: today in Tokyo).
/// </summary>
internal sealed class RunMonthCommand : ICommand
{
    public string Name => "run-month";

    public string Synopsis => "<yyyy-MM> [--as-of yyyy-MM-dd] [--json]";

    public int Positionals => 1;

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var text = arguments.Words.Count > 1 ? arguments.Words[^1] : throw new UsageException($"usage: {Name} {Synopsis}");
        var parsed = YearMonthPattern.Iso.Parse(text);
        var month = parsed.Success ? parsed.Value : throw new UsageException($"'{text}' is not a month (yyyy-MM)");
        var asOf = arguments.OptionalDate("as-of");
        var json = arguments.Flag("json");
        arguments.EnsureAllUsed(Name);
        IClock clock = asOf is { } date ? new VirtualClock(Tokyo.WakeInstant(date)) : SystemClock.Instance;
        var stores = Composition.StorageAsync().GetAwaiter().GetResult();
        var workflow = new ContractWorkflow(stores, clock);
        var watch = Stopwatch.StartNew();
        var report = new MonthlyInvoiceRun(stores, workflow).RunAsync(month).GetAwaiter().GetResult();
        watch.Stop();
        if (json)
        {
            stdout.WriteLine(LifecycleJson.Serialize(report));
            return;
        }

        foreach (var line in Lines(report, watch.Elapsed))
        {
            stdout.WriteLine(line);
        }
    }

    internal static IEnumerable<string> Lines(BillingRunReport report, TimeSpan elapsed)
    {
        yield return string.Create(CultureInfo.InvariantCulture,
            $"billing run {report.Month:uuuu-MM} on {report.RunDate:uuuu-MM-dd}: {report.Contracts} contracts, {report.Invoiced} invoiced (¥{report.InvoicedTotal:N0}), {report.AlreadyInvoiced} already invoiced, {report.NotBillable} not billable, {report.Failures.Count} failed, {elapsed.TotalSeconds:0.0} s");
        foreach (var failure in report.Failures)
        {
            yield return $"  {failure.ContractId}: {failure.Field}: {failure.Reason}" + (failure.Clause is null ? string.Empty : $" ({failure.Clause})");
        }
    }
}

/// <summary>
/// <c>serve</c>: the local scheduler against the configured storage and SMTP server. Every tick it
/// wakes due contracts and delivers the outbox; once a day it runs the overdue check, and on the
/// configured day of the month (<c>CloudLifecycle:Billing:RunDay</c>) the previous month's invoice run.
/// <c>--once</c> runs one tick and exits (for cron, and for tests).
/// </summary>
internal sealed class ServeCommand(TextWriter log) : ICommand
{
    public string Name => "serve";

    public string Synopsis => "[--tick-seconds 60] [--once]";

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var tick = TimeSpan.FromSeconds(arguments.OptionalInteger("tick-seconds") ?? 60);
        var once = arguments.Flag("once");
        arguments.EnsureAllUsed(Name);
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        ServeAsync(SystemClock.Instance, tick, once, stdout, stop.Token).GetAwaiter().GetResult();
    }

    internal async Task ServeAsync(IClock clock, TimeSpan tick, bool once, TextWriter stdout, CancellationToken cancellationToken)
    {
        var stores = await Composition.StorageAsync(cancellationToken).ConfigureAwait(false);
        var scheduler = new LocalScheduler(stores, clock, Composition.Delivery(stores, Composition.Smtp(), clock), Composition.BillingRunDay());
        await stdout.WriteLineAsync($"serving: storage {HostSettings.Get("Storage:ConnectionString")}, SMTP {HostSettings.Get("Smtp:Host")}:{HostSettings.Get("Smtp:Port")}, billing run on day {scheduler.BillingRunDay}").ConfigureAwait(false);
        do
        {
            try
            {
                var result = await scheduler.TickAsync(cancellationToken).ConfigureAwait(false);
                await stdout.WriteLineAsync(result.ToString()).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException && !once)
            {
                // A storage or SMTP hiccup must not stop the scheduler: log it and try again next tick.
                await log.WriteLineAsync($"tick failed: {e.GetType().Name}: {e.Message}").ConfigureAwait(false);
            }

            if (once)
            {
                break;
            }

            try
            {
                await Task.Delay(tick, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        while (!cancellationToken.IsCancellationRequested);
    }
}

/// <summary>What one scheduler tick did.</summary>
internal sealed record TickResult(LocalDate Today, int Woken, BillingRunReport? BillingRun, int? OverdueNotices, DeliveryReport Delivery)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Today:uuuu-MM-dd}: woke {Woken}, billing {(BillingRun is { } r ? $"{r.Month:uuuu-MM} {r.Invoiced} invoiced" : "-")}, overdue notices {(OverdueNotices?.ToString(CultureInfo.InvariantCulture) ?? "-")}, sent {Delivery.Sent}, retrying {Delivery.Retrying}{(Delivery.QuotaReached ? " (hourly quota reached)" : string.Empty)}");
}

/// <summary>
/// The local host's timers: due contracts and the outbox every tick; the overdue check once a day;
/// the monthly run once, on its day or the first tick after it. Done jobs are remembered in the
/// idempotency store, so a restarted host does not run them again (and the runs are idempotent anyway).
/// </summary>
internal sealed class LocalScheduler(LifecycleStores stores, IClock clock, OutboxDelivery delivery, int billingRunDay)
{
    public int BillingRunDay { get; } = billingRunDay;

    public async Task<TickResult> TickAsync(CancellationToken cancellationToken)
    {
        var workflow = new ContractWorkflow(stores, clock);
        var today = workflow.Today;
        var woken = await workflow.WakeDueAsync(cancellationToken).ConfigureAwait(false);
        BillingRunReport? run = null;
        var billingJob = $"scheduler/billing-run/{today.ToYearMonth().PlusMonths(-1):uuuu-MM}";
        if (today.Day >= BillingRunDay && await stores.Idempotency.GetAsync(billingJob, cancellationToken).ConfigureAwait(false) is null)
        {
            run = await new MonthlyInvoiceRun(stores, workflow).RunAsync(today.ToYearMonth().PlusMonths(-1), cancellationToken: cancellationToken).ConfigureAwait(false);
            await MarkDoneAsync(billingJob, cancellationToken).ConfigureAwait(false);
        }

        int? overdue = null;
        var overdueJob = $"scheduler/overdue-check/{today:uuuu-MM-dd}";
        if (await stores.Idempotency.GetAsync(overdueJob, cancellationToken).ConfigureAwait(false) is null)
        {
            overdue = await new OverdueCheckRun(stores, workflow).RunAsync(cancellationToken).ConfigureAwait(false);
            await MarkDoneAsync(overdueJob, cancellationToken).ConfigureAwait(false);
        }

        var delivered = await delivery.DeliverAsync(cancellationToken).ConfigureAwait(false);
        return new TickResult(today, woken, run, overdue, delivered);
    }

    // Marked after the job succeeded: a run that failed is tried again next tick (the runs are idempotent).
    private Task<string> MarkDoneAsync(string job, CancellationToken cancellationToken) =>
        stores.Idempotency.PutIfAbsentAsync(job, clock.GetCurrentInstant().ToString(), cancellationToken);
}
