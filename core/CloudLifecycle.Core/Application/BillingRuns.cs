using System.Collections.Concurrent;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Core.Application;

/// <summary>Where a monthly run is.</summary>
public enum BillingRunState
{
    Running,
    Completed,
    Failed,
}

/// <summary>A monthly run's progress as stored (<c>reports/billing-{month}.status.json</c>), readable by any instance.</summary>
public sealed record BillingRunStatus(YearMonth Month, BillingRunState State, Instant StartedAt, Instant UpdatedAt, int Contracts, int Invoiced, BillingRunReport? Report = null, string? Error = null);

/// <summary>Starts monthly runs on request (the CRM's <c>POST /billing-runs</c>) and tells how far they are.</summary>
public interface IBillingRuns
{
    /// <summary>
    /// Starts the run of <paramref name="month"/> unless one is running; returns once its status is
    /// stored. A month that has not ended is refused (<see cref="LifecycleDecider.EnsureMonthEnded"/>).
    /// A completed month may be run again: it invoices nothing twice.
    /// </summary>
    Task<BillingRunStatus> StartAsync(YearMonth month, CancellationToken cancellationToken = default);

    Task<BillingRunStatus?> GetAsync(YearMonth month, CancellationToken cancellationToken = default);
}

/// <summary>
/// How a host runs work that outlives the request which started it (the local host: the thread pool).
/// The application starts no threads itself.
/// </summary>
public interface IBackgroundWork
{
    /// <summary>Starts <paramref name="work"/> and returns at once; the task completes when the work does.</summary>
    Task Start(Func<Task> work);
}

/// <summary>
/// The local host's runs: <see cref="MonthlyInvoiceRun"/> in the background the host gives
/// (<see cref="IBackgroundWork"/>), its status stored after every page so that a reader (or a
/// restarted host) sees how far it got.
/// </summary>
public sealed class BackgroundBillingRuns(LifecycleStores stores, ContractWorkflow workflow, IClock clock, IBackgroundWork background) : IBillingRuns, IDisposable
{
    private readonly ConcurrentDictionary<YearMonth, Task> running = new();
    private readonly ConcurrentDictionary<YearMonth, BillingRunStatus> outcomes = new();
    private readonly SemaphoreSlim starting = new(1, 1);
    private readonly BillingRunStatuses statuses = new(stores.Documents);

    public async Task<BillingRunStatus> StartAsync(YearMonth month, CancellationToken cancellationToken = default)
    {
        LifecycleDecider.EnsureMonthEnded(month, workflow.Today);
        await starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (running.TryGetValue(month, out var current) && !current.IsCompleted
                && await GetAsync(month, cancellationToken).ConfigureAwait(false) is { } inProgress)
            {
                return inProgress;
            }

            var now = clock.GetCurrentInstant();
            var status = new BillingRunStatus(month, BillingRunState.Running, now, now, 0, 0);
            await SaveAsync(status, CancellationToken.None).ConfigureAwait(false);
            running[month] = background.Start(() => RunAsync(status));
            return status;
        }
        finally
        {
            starting.Release();
        }
    }

    public Task<BillingRunStatus?> GetAsync(YearMonth month, CancellationToken cancellationToken = default) => statuses.GetAsync(month, cancellationToken);

    /// <summary>Waits for the runs started in this process (tests, and a host shutting down).</summary>
    public Task WhenIdleAsync() => Task.WhenAll(running.Values);

    /// <summary>
    /// How the last run of <paramref name="month"/> started in this process ended (after <see cref="WhenIdleAsync"/>),
    /// or null if none ended here. Not the stored status: another host running the same month at once writes that
    /// document too, and its progress ("running") may land after this run's outcome.
    /// </summary>
    public BillingRunStatus? OutcomeOf(YearMonth month) => outcomes.TryGetValue(month, out var outcome) ? outcome : null;

    /// <summary>
    /// Runs the month that <paramref name="started"/> records to its end, storing progress after every page
    /// and the outcome (completed with its report, or failed with why) at the end. Never throws.
    /// </summary>
    public async Task RunAsync(BillingRunStatus started)
    {
        var latest = started;
        try
        {
            var progress = new Progress(this, clock, () => latest, s => latest = s);
            var report = await new MonthlyInvoiceRun(stores, workflow).RunAsync(started.Month, progress).ConfigureAwait(false);
            await progress.FlushAsync().ConfigureAwait(false);
            latest = latest with { State = BillingRunState.Completed, UpdatedAt = clock.GetCurrentInstant(), Contracts = report.Contracts, Invoiced = report.Invoiced, Report = report };
        }
        catch (Exception e)
        {
            // Kept as the run's status so the caller sees why; the run can be started again (it is idempotent).
            latest = latest with { State = BillingRunState.Failed, UpdatedAt = clock.GetCurrentInstant(), Error = $"{e.GetType().Name}: {e.Message}" };
        }

        await SaveAsync(latest, CancellationToken.None).ConfigureAwait(false);
        outcomes[started.Month] = latest;
    }

    public void Dispose() => starting.Dispose();

    private Task SaveAsync(BillingRunStatus status, CancellationToken cancellationToken) => statuses.SaveAsync(status, cancellationToken);

    /// <summary>Records each page's progress; the stores are written in order, one page at a time.</summary>
    private sealed class Progress(BackgroundBillingRuns runs, IClock clock, Func<BillingRunStatus> read, Action<BillingRunStatus> write) : IProgress<BillingRunProgress>
    {
        private Task pending = Task.CompletedTask;

        public void Report(BillingRunProgress value)
        {
            var status = read() with { Contracts = value.Contracts, Invoiced = value.Invoiced, UpdatedAt = clock.GetCurrentInstant() };
            write(status);
            pending = pending.ContinueWith(_ => runs.SaveAsync(status, CancellationToken.None), TaskScheduler.Default).Unwrap();
        }

        public Task FlushAsync() => pending;
    }
}
