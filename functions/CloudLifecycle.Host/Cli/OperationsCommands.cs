using System.Diagnostics;
using System.Globalization;
using CloudLifecycle.Adapters.Email;
using CloudLifecycle.Adapters.Files;
using CloudLifecycle.Api;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
        using var services = Composition.Services(Composition.Settings(), clock);
        var stores = services.GetRequiredService<LifecycleStores>();
        var workflow = services.GetRequiredService<ContractWorkflow>();
        var watch = Stopwatch.StartNew();
        var report = new MonthlyInvoiceRun(stores, workflow) { ParallelPages = Composition.Settings().BillingParallelPages }.RunAsync(month).GetAwaiter().GetResult();
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
            $"billing run {report.Month:uuuu-MM} on {report.RunDate:uuuu-MM-dd}: {report.Contracts} contracts, {report.Invoiced} invoiced (¥{report.InvoicedTotal:N0}), {report.AlreadyInvoiced} already invoiced, {report.NotBillable} not billable, {report.Failures.Count + report.UnlistedFailures} failed, {elapsed.TotalSeconds:0.0} s");
        foreach (var failure in report.Failures)
        {
            yield return $"  {failure.ContractId}: {failure.Field}: {failure.Reason}" + (failure.Clause is null ? string.Empty : $" ({failure.Clause})");
        }

        if (report.UnlistedFailures > 0)
        {
            // The report lists the first failures only (BillingTally.MaxListedFailures): a run's report must stay small.
            yield return string.Create(CultureInfo.InvariantCulture, $"  … and {report.UnlistedFailures} more, not listed");
        }
    }
}

/// <summary>
/// <c>serve</c>: the CRM API on Kestrel and the local scheduler. Every tick the scheduler wakes due
/// contracts and delivers the outbox; once a day it runs the overdue check, and on the configured day
/// of the month (<c>CloudLifecycle:Billing:RunDay</c>) the previous month's invoice run.
/// Without <c>--embedded</c> it uses Azure Storage (Azurite) and SMTP from configuration; with it,
/// in-memory stores, and documents and emails (.eml) as files under <c>--out</c> (default <c>./out</c>).
/// <c>--once</c> runs one scheduler tick and exits, without the API (for cron, and for tests).
/// </summary>
internal sealed class ServeCommand(TextWriter log) : ICommand
{
    public const string DefaultUrl = "http://127.0.0.1:5080";
    public const string ApiKeyVariable = "CloudLifecycle__ApiKeys__0";

    public string Name => "serve";

    public string Synopsis => "[--embedded] [--urls http://127.0.0.1:5080] [--out ./out] [--tick-seconds 60] [--once]";

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var tick = TimeSpan.FromSeconds(arguments.OptionalInteger("tick-seconds") ?? 60);
        var once = arguments.Flag("once");
        var embedded = arguments.Flag("embedded");
        var urls = (arguments.Optional("urls") ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var outDir = Path.GetFullPath(arguments.Optional("out") ?? "out");
        arguments.EnsureAllUsed(Name);
        IReadOnlyList<string> keys = once ? [] : ApiKeys();
        using var services = Compose(embedded, outDir, SystemClock.Instance, keys, log);
        if (once)
        {
            TickOnceAsync(services, stdout).GetAwaiter().GetResult();
            return;
        }

        ServeAsync(services, urls, tick, stdout).GetAwaiter().GetResult();
    }

    /// <summary>
    /// The API keys from <c>CloudLifecycle__ApiKeys__0</c>, <c>__1</c>…: at least one, each at least
    /// <see cref="CrmApiOptions.MinSecretLength"/> characters (checked by the settings, which name the
    /// variable of a short one), or <c>serve</c> refuses to start naming the variable.
    /// </summary>
    internal static IReadOnlyList<string> ApiKeys()
    {
        var keys = HostSettings.Settings().ApiKeys;
        if (keys.Count == 0)
        {
            throw new UsageException($"no API key configured: set {ApiKeyVariable} (and __1, __2… for more) to at least {CrmApiOptions.MinSecretLength} random characters (openssl rand -base64 32); the CRM sends it as the X-Api-Key header");
        }

        return keys;
    }

    /// <summary>
    /// <c>serve</c>'s services through the shared registrations (<see cref="Composition.Services"/>): embedded,
    /// in-memory stores and a sender of .eml files under <paramref name="outDir"/> take the place of storage
    /// and SMTP; the API answers to <paramref name="apiKeys"/> and logs its 5xx answers to <paramref name="log"/>.
    /// </summary>
    internal static ServeServices Compose(bool embedded, string outDir, IClock clock, IReadOnlyList<string> apiKeys, TextWriter log)
    {
        var settings = Composition.Settings();
        var provider = Composition.Services(settings, clock, services =>
        {
            if (embedded)
            {
                Directory.CreateDirectory(outDir);
                var stores = InMemoryStores.Create(new FileDocumentStore(outDir));
                services.AddSingleton(settings.Webhooks is null ? stores : stores with { Webhooks = new InMemoryWebhookOutbox() });
                services.AddSingleton<IEmailSender>(new EmlFileEmailSender(Path.Combine(outDir, "emails"), settings.Smtp.FromAddress));
            }

            // The issuer is asked for when the API is built, so that --once runs without one.
            services.AddSingleton(_ => settings.ApiOptions(HostSettings.Issuer(null, null)) with { ApiKeys = apiKeys });
            services.AddSingleton<ILoggerFactory>(new LineLoggerFactory(new LineLogger(log)));
        });
        var description = (embedded ? $"embedded: in-memory stores; documents and emails (.eml) under {outDir}" : Describe(settings))
            + (settings.Webhooks is { } webhooks ? $"; webhooks to {webhooks.Url.GetLeftPart(UriPartial.Path)}" : string.Empty);
        return new ServeServices(provider, settings.BillingRunDay, description);
    }

    /// <summary>What <c>serve</c> says it runs against: the storage account and endpoint (never the connection string and its key) and the SMTP server.</summary>
    internal static string Describe(LifecycleSettings settings) => $"{settings.Storage.Describe()}, SMTP {settings.Smtp.Host}:{settings.Smtp.Port}";

    /// <summary>The start-up lines on the API's security settings.</summary>
    internal static IEnumerable<string> SecurityLines(CrmApiOptions options)
    {
        yield return string.Create(CultureInfo.InvariantCulture,
            $"API keys: {options.ApiKeys.Count} configured, each at least {CrmApiOptions.MinSecretLength} characters (X-Api-Key); calendar links signed with {(options.FeedSecret is null ? "a secret derived from the first key" : "CloudLifecycle__FeedSecret")}");
        yield return options.PublicBaseUrl is { } url
            ? $"calendar subscription links: {url.AbsoluteUri.TrimEnd('/')}{CrmApiOptions.BasePath}/contracts/{{id}}/calendar.ics?token=…"
            : $"calendar subscription links: relative ({CrmApiOptions.BasePath}/contracts/{{id}}/calendar.ics?token=…); set CloudLifecycle__PublicBaseUrl for absolute ones";
        yield return options.CorsOrigins.Count == 0
            ? "CORS: off (set CloudLifecycle__Cors__Origins__0 to allow a browser origin)"
            : $"CORS: {string.Join(", ", options.CorsOrigins)}";
    }

    private static async Task TickOnceAsync(ServeServices services, TextWriter stdout)
    {
        var scheduler = services.Scheduler();
        await stdout.WriteLineAsync($"serving once: {services.Description}, billing run on day {scheduler.BillingRunDay}").ConfigureAwait(false);
        var result = await scheduler.TickAsync(CancellationToken.None).ConfigureAwait(false);
        await stdout.WriteLineAsync(result.ToString()).ConfigureAwait(false);
    }

    private async Task ServeAsync(ServeServices services, string[] urls, TimeSpan tick, TextWriter stdout)
    {
        var api = services.Provider.GetRequiredService<CrmApi>();
        await using var app = ApiHost.Build(api, urls);
        await app.StartAsync().ConfigureAwait(false);
        var scheduler = services.Scheduler();
        await stdout.WriteLineAsync($"serving the CRM API on {string.Join(", ", urls)} ({services.Description}); billing run on day {scheduler.BillingRunDay}").ConfigureAwait(false);
        foreach (var line in SecurityLines(api.Options))
        {
            await stdout.WriteLineAsync(line).ConfigureAwait(false);
        }

        await stdout.WriteLineAsync($"OpenAPI: {urls[0]}{CrmApiOptions.OpenApiPath} · API: {urls[0]}{CrmApiOptions.BasePath}/contracts (X-Api-Key) · Ctrl+C stops").ConfigureAwait(false);
        await RunSchedulerAsync(scheduler, tick, stdout, app.Lifetime.ApplicationStopping).ConfigureAwait(false);
        await services.Provider.GetRequiredService<BackgroundBillingRuns>().WhenIdleAsync().ConfigureAwait(false);
        await app.StopAsync().ConfigureAwait(false);
    }

    internal async Task RunSchedulerAsync(LocalScheduler scheduler, TimeSpan tick, TextWriter stdout, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var result = await scheduler.TickAsync(stopping).ConfigureAwait(false);
                await stdout.WriteLineAsync(result.ToString()).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A storage or SMTP hiccup must not stop the scheduler: log it and try again next tick.
                await log.WriteLineAsync($"tick failed: {e.GetType().Name}: {e.Message}").ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                await Task.Delay(tick, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}

/// <summary>What <c>serve</c> runs on: the composed services, the billing run's day, and a line saying which stores and sender.</summary>
internal sealed record ServeServices(ServiceProvider Provider, int BillingRunDay, string Description) : IDisposable
{
    /// <summary>The local scheduler over the registered workflow, daily job, billing runs and outbox delivery.</summary>
    public LocalScheduler Scheduler() => new(
        Provider.GetRequiredService<LifecycleStores>(), Provider.GetRequiredService<ContractWorkflow>(), Provider.GetRequiredService<DailyJob>(),
        Provider.GetRequiredService<BackgroundBillingRuns>(), Provider.GetRequiredService<OutboxDelivery>(), BillingRunDay,
        Provider.GetService<WebhookDelivery>());

    public void Dispose() => Provider.Dispose();
}

/// <summary>What one scheduler tick did.</summary>
internal sealed record TickResult(LocalDate Today, int Woken, BillingRunReport? BillingRun, int? OverdueNotices, DeliveryReport Delivery, int PendingCompleted = 0, WebhookDeliveryReport? Webhooks = null)
{
    /// <summary>The wake-ups' report, when one failed (named on the line; retried next tick).</summary>
    public WakeReport? WakeFailures { get; init; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Today:uuuu-MM-dd}: {(PendingCompleted > 0 ? $"completed the pending commands of {PendingCompleted} contracts, " : string.Empty)}woke {Woken}{WakeFailureText()}, billing {(BillingRun is { } r ? $"{r.Month:uuuu-MM} {r.Invoiced} invoiced" : "-")}, overdue notices {(OverdueNotices?.ToString(CultureInfo.InvariantCulture) ?? "-")}, sent {Delivery.Sent}, retrying {Delivery.Retrying}{(Delivery.QuotaReached ? " (hourly quota reached)" : string.Empty)}{(Webhooks is { } w ? $", webhooks delivered {w.Delivered}, retrying {w.Retrying}, failed {w.Failed}" : string.Empty)}");

    private string WakeFailureText() => WakeFailures is { FailedCount: > 0 } wake
        ? string.Create(CultureInfo.InvariantCulture, $" ({wake.FailedCount} failed, still due: {string.Join("; ", wake.Failures.Select(f => $"{f.ContractId}: {f.Reason}"))}{(wake.UnlistedFailures > 0 ? $"; … and {wake.UnlistedFailures} more" : string.Empty)})")
        : string.Empty;
}

/// <summary>
/// The local host's timers: on the first tick of the process, the commands a crash left pending on contract rows
/// (stored with their decision, not yet run); due contracts and the outbox every tick; once a day the shared
/// <see cref="DailyJob"/> (the Azure timer's: the owed month's invoice run unless it completed, then the
/// overdue check). The tick waits for a run the job started, so that its invoices' notices go out with
/// this tick's delivery and its figures are on the tick's line. A day whose job succeeded is remembered
/// in the idempotency store, so a restarted host does not run it again (and the runs are idempotent anyway).
/// </summary>
internal sealed class LocalScheduler(LifecycleStores stores, ContractWorkflow workflow, DailyJob daily, BackgroundBillingRuns runs, OutboxDelivery delivery, int billingRunDay, WebhookDelivery? webhooks = null)
{
    private bool pendingSwept;

    public int BillingRunDay { get; } = billingRunDay;

    public async Task<TickResult> TickAsync(CancellationToken cancellationToken)
    {
        var today = workflow.Today;
        var pendingCompleted = 0;
        if (!pendingSwept)
        {
            // A host killed between a contract's save and its commands: run them before anything new is decided.
            pendingCompleted = await workflow.Activities.CompleteAllPendingAsync(cancellationToken).ConfigureAwait(false);
            pendingSwept = true;
        }

        // A contract whose round fails stays listed and is named on the tick's line; it stops neither the other
        // wake-ups nor this tick's daily job and delivery (issue 17: no backlog behind one bad contract).
        var wake = await workflow.WakeDueReportAsync(cancellationToken).ConfigureAwait(false);
        BillingRunReport? run = null;
        int? overdue = null;
        var dailyJob = $"scheduler/daily/{today:uuuu-MM-dd}";
        if (await stores.Idempotency.GetAsync(dailyJob, cancellationToken).ConfigureAwait(false) is null)
        {
            var report = await daily.RunAsync(BillingRunDay, cancellationToken).ConfigureAwait(false);
            overdue = report.OverdueNotices;
            if (report.InvoiceRunStarted is { } month)
            {
                // This process's own run: a second host running the same month may have stored its progress since.
                await runs.WhenIdleAsync().ConfigureAwait(false);
                var outcome = runs.OutcomeOf(month);
                run = outcome is { State: BillingRunState.Completed } ? outcome.Report
                    : throw new InvalidOperationException($"billing run {month:uuuu-MM}: {outcome?.Error ?? "did not end in this process"}");
            }

            // Marked after the job succeeded: a run that failed fails the tick and is tried again next tick (the runs are idempotent).
            await stores.Idempotency.PutIfAbsentAsync(dailyJob, Tokyo.WakeInstant(today).ToString(), cancellationToken).ConfigureAwait(false);
        }

        var delivered = await delivery.DeliverAsync(cancellationToken).ConfigureAwait(false);
        // On the email outbox's cadence, after it: the tick's notice.sent webhooks go out in the same tick.
        var hooks = webhooks is null ? null : await webhooks.DeliverAsync(cancellationToken).ConfigureAwait(false);
        return new TickResult(today, wake.Woken, run, overdue, delivered, pendingCompleted, hooks) { WakeFailures = wake };
    }
}
