using System.Diagnostics;
using System.Globalization;
using CloudLifecycle.Adapters.Tables;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// <c>bench-wake</c> (issue 17): <c>--contracts</c> eclect-aws contracts registered on the same day, so that every
/// one is due the same morning, then the due index drained as <c>serve</c>'s tick drains it
/// (<see cref="ContractWorkflow.WakeDueReportAsync"/>), one round at a time and <c>--parallel</c> at once, in one
/// process on the same load; with <c>--azurite N</c> also against the configured storage.
/// After each drain it checks that nothing is left due that morning and that draining again wakes nothing.
/// </summary>
internal sealed class BenchWakeCommand(TextWriter progress) : ICommand
{
    /// <summary>The start of every contract: its terms then end on the 20th of each month (§26, §27-1) for all of them.</summary>
    private static readonly LocalDate Start = new(2026, 4, 20);

    /// <summary>
    /// The day they are registered (backdated to <see cref="Start"/>): after the 15 May notice deadline, so that the
    /// next wake-up of every one is the end of its term on 20 May (§26 「契約期間満了」), the morning this bench drains.
    /// </summary>
    private static readonly LocalDate Registered = new(2026, 5, 16);

    public string Name => "bench-wake";

    public string Synopsis => "[--contracts 100000] [--parallel 8] [--azurite 2000]";

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var contracts = arguments.OptionalInteger("contracts") ?? 100_000;
        var parallel = arguments.OptionalInteger("parallel") ?? HostSettings.Settings().WakeParallel;
        var azurite = arguments.OptionalInteger("azurite");
        arguments.EnsureAllUsed(Name);
        if (contracts < 1)
        {
            throw new UsageException($"--contracts: {contracts} must be at least 1");
        }

        if (parallel is < 1 or > 64)
        {
            throw new UsageException($"--parallel: {parallel} must be a whole number from 1 to 64 (rounds run at once)");
        }

        if (azurite is < 1)
        {
            throw new UsageException($"--azurite: {azurite} must be at least 1");
        }

        var issuer = HostSettings.Issuer(null, null);
        foreach (var degree in parallel > 1 ? new[] { 1, parallel } : [1])
        {
            var stores = InMemoryStores.Create(new BenchMonthCommand.CountingDocumentStore());
            stdout.WriteLine(DrainAsync("in-memory", stores, contracts, degree, issuer).GetAwaiter().GetResult());
        }

        if (azurite is { } count)
        {
            var connection = HostSettings.Settings().Storage.ConnectionString ?? "UseDevelopmentStorage=true";
            foreach (var degree in parallel > 1 ? new[] { 1, parallel } : [1])
            {
                var prefix = "wake" + degree.ToString(CultureInfo.InvariantCulture) + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
                var stores = AzureStorage.ConnectAsync(connection, prefix).GetAwaiter().GetResult();
                stdout.WriteLine(DrainAsync($"azurite ({prefix})", stores, count, degree, issuer).GetAwaiter().GetResult());
            }
        }
    }

    private async Task<string> DrainAsync(string where, LifecycleStores stores, int count, int degree, Issuer issuer)
    {
        var clock = new VirtualClock(Tokyo.WakeInstant(Registered));
        // Registered through the same workflow (its welcome notice, its plan, its due-index entry), several at once.
        var registering = new ContractWorkflow(stores, clock) { ParallelWakeUps = degree };
        var registerWatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, degree) }, async (i, token) =>
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"W{i:D7}");
            await registering.RegisterAsync(new ContractRegistration(id, ProductCode.EclectAws, new Customer($"Wake Customer {i}", $"w{i}@bench.example"), new ContractDates(Start), issuer), token).ConfigureAwait(false);
            if ((i + 1) % 20_000 == 0)
            {
                await progress.WriteLineAsync($"  … {i + 1:N0} registered").ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        registerWatch.Stop();

        var morning = (await stores.Contracts.GetAsync("W0000000").ConfigureAwait(false))!.State.NextWake
            ?? throw new InvalidOperationException("a registered eclect-aws contract has no next wake-up");
        clock.Now = Tokyo.WakeInstant(morning);
        var workflow = new ContractWorkflow(stores, clock) { ParallelWakeUps = degree };
        var dueBefore = await CountDueAsync(stores, morning).ConfigureAwait(false);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var report = await workflow.WakeDueReportAsync().ConfigureAwait(false);
        watch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var left = await CountDueAsync(stores, morning).ConfigureAwait(false);
        var again = await workflow.WakeDueReportAsync().ConfigureAwait(false);
        var seconds = watch.Elapsed.TotalSeconds;
        var rate = report.Woken / seconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"{where}: {count:N0} contracts registered in {registerWatch.Elapsed.TotalSeconds:0.0} s, {dueBefore:N0} due {morning:uuuu-MM-dd}; " +
            $"{degree} round(s) at once woke {report.Woken:N0} ({report.FailedCount} failed) in {seconds:0.00} s = {rate:N0} contracts/s, CPU {cpu.TotalSeconds:0.0} s ({100 * cpu.TotalSeconds / seconds:0}% of one core); " +
            $"left due that morning {left:N0}, a second drain woke {again.Woken:N0}; at this rate 100,000 take {100_000 / rate / 60:0.0} min (goal: < 30 min, 09:00–09:30 Tokyo)");
    }

    /// <summary>Index entries due by <paramref name="day"/>.</summary>
    private static async Task<int> CountDueAsync(LifecycleStores stores, LocalDate day)
    {
        var due = 0;
        await foreach (var _ in stores.DueIndex.DueAsync(day).ConfigureAwait(false))
        {
            due++;
        }

        return due;
    }
}
