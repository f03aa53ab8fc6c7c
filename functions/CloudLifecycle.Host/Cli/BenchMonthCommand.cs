using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Azure.Data.Tables;
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
/// <c>bench-month</c>: times the monthly invoice run. In memory over <c>--contracts</c> contracts (and a
/// tenth of them, to show how time and memory grow); with <c>--azurite N</c> also against the configured
/// storage, next to Azurite's raw entity-group insert throughput measured in the same run.
/// </summary>
internal sealed class BenchMonthCommand(TextWriter progress) : ICommand
{
    private static readonly YearMonth Month = new(2026, 10);
    private static readonly LocalDate RunDate = new(2026, 11, 2);

    public string Name => "bench-month";

    public string Synopsis => "[--contracts 100000] [--parallel N] [--only] [--azurite 2000]";

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var contracts = arguments.OptionalInteger("contracts") ?? 100_000;
        var azurite = arguments.OptionalInteger("azurite");
        var parallel = arguments.OptionalInteger("parallel") ?? HostSettings.Settings().BillingParallelPages;
        var only = arguments.Flag("only");
        arguments.EnsureAllUsed(Name);
        if (contracts < 1)
        {
            throw new UsageException($"--contracts: {contracts} must be at least 1");
        }

        if (parallel is < 1 or > 64)
        {
            throw new UsageException($"--parallel: {parallel} must be a whole number from 1 to 64 (pages run at once)");
        }

        var issuer = HostSettings.Issuer(null, null);
        // A tenth first (growth), then the full count one page at a time and with pages side by side: the ratio of the
        // last two lines is measured in one process, on the same machine load.
        // --only: the full count at the given number of pages and nothing else (a million contracts once, not three times).
        var runs = only
            ? new[] { (contracts, parallel) }
            : parallel > 1
            ? new[] { (Math.Max(1, contracts / 10), parallel), (contracts, 1), (contracts, parallel) }
            : new[] { (Math.Max(1, contracts / 10), 1), (contracts, 1) };
        double? sequentialSeconds = null;
        foreach (var (count, degree) in runs)
        {
            var (line, seconds) = InMemoryAsync(count, degree, issuer).GetAwaiter().GetResult();
            stdout.WriteLine(line);
            if (count == contracts && degree == 1)
            {
                sequentialSeconds = seconds;
            }
            else if (count == contracts && sequentialSeconds is { } before)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"in-memory: {degree} pages at once ran {before / seconds:0.00} × as fast as one at a time ({Environment.ProcessorCount} processors)"));
            }
        }

        if (azurite is { } count2)
        {
            stdout.WriteLine(AzuriteAsync(count2, issuer).GetAwaiter().GetResult());
        }
    }

    private async Task<(string Line, double Seconds)> InMemoryAsync(int count, int parallel, Issuer issuer)
    {
        var documents = new CountingDocumentStore();
        var stores = InMemoryStores.Create(documents);
        foreach (var state in Contracts(count, issuer))
        {
            await stores.Contracts.TryCreateAsync(state).ConfigureAwait(false);
        }

        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var workflow = new ContractWorkflow(stores, new VirtualClock(Tokyo.WakeInstant(RunDate)));
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var pausedBefore = GC.GetTotalPauseDuration();
        var gen0Before = GC.CollectionCount(0);
        var gen2Before = GC.CollectionCount(2);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var report = await new MonthlyInvoiceRun(stores, workflow) { ParallelPages = parallel }.RunAsync(Month, new Progress<BillingRunProgress>(p =>
        {
            if (p.Contracts % 20_000 == 0)
            {
                progress.WriteLine($"  … {p.Contracts:N0} contracts");
            }
        })).ConfigureAwait(false);
        watch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var paused = GC.GetTotalPauseDuration() - pausedBefore;
        var gen0 = GC.CollectionCount(0) - gen0Before;
        var gen2 = GC.CollectionCount(2) - gen2Before;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var seconds = watch.Elapsed.TotalSeconds;
        return (string.Create(CultureInfo.InvariantCulture,
            $"in-memory: {count:N0} contracts, {parallel} page(s) at once → {report.Invoiced:N0} invoices (¥{report.InvoicedTotal:N0}), {report.Failures.Count + report.UnlistedFailures} failed, in {seconds:0.00} s = {count / seconds:N0} contracts/s, CPU {cpu.TotalSeconds:0.0} s ({100 * cpu.TotalSeconds / seconds:0}% of one core); " +
            $"allocated {allocated / 1_048_576.0:N0} MiB ({allocated / (double)count / 1024:0.0} KiB/contract), GC paused {paused.TotalSeconds:0.00} s ({100 * paused.TotalSeconds / seconds:0}%) in {gen0:N0} collections ({gen2} of gen 2, {(GCSettings.IsServerGC ? "server" : "workstation")} GC); " +
            $"{documents.Count:N0} documents ({documents.Bytes / 1_048_576.0:0.0} MiB rendered, not kept); heap {heapBefore / 1_048_576.0:0} → {heapAfter / 1_048_576.0:0} MiB, {(heapAfter - heapBefore) / (double)count / 1024:0.00} KiB/contract (the stores keep every state and invoice: a run whose own memory is flat grows by the same amount per contract at any count), peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1_048_576.0:0} MiB"), seconds);
    }

    private static async Task<string> AzuriteAsync(int count, Issuer issuer)
    {
        var connection = HostSettings.Settings().Storage.ConnectionString ?? "UseDevelopmentStorage=true";
        var prefix = "bench" + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var stores = await AzureStorage.ConnectAsync(connection, prefix).ConfigureAwait(false);
        var states = Contracts(count, issuer).ToList();

        // Raw throughput: the same number of rows of the same size, in entity-group batches of one partition, measured
        // here and not through the adapters (whose batching is what is being measured): one batch at a time, and
        // RawParallel batches of different partitions at once (what Azurite can take; the ratio is to the higher).
        var service = new TableServiceClient(connection);
        var rawSequential = await RawInsertAsync(service.GetTableClient(prefix + "RawOne"), states, 1).ConfigureAwait(false);
        var rawParallel = await RawInsertAsync(service.GetTableClient(prefix + "RawPar"), states, RawParallel).ConfigureAwait(false);
        var rawRate = Math.Max(rawSequential, rawParallel);

        var (seconds, report) = await AzuriteRunAsync(stores, states).ConfigureAwait(false);
        // The same run on tables of their own without storing the documents (rendered, counted, not kept): the blobs' share.
        var tablesOnly = await AzureStorage.ConnectAsync(connection, prefix + "T").ConfigureAwait(false);
        var counted = new CountingDocumentStore();
        var (secondsTablesOnly, _) = await AzuriteRunAsync(tablesOnly with { Documents = counted }, states).ConfigureAwait(false);
        // Raw blob uploads: as many as the run stored, of their mean size, 16 at once (the executor's 8 invoices × their two documents).
        var rawBlobs = await RawUploadAsync(connection, prefix, new byte[Math.Max(1, counted.Bytes / Math.Max(1, counted.Count))], (int)counted.Count).ConfigureAwait(false);
        // Rows the run wrote: the state, the invoice, its history line and its notice per invoiced contract; two blobs each besides.
        var rows = report.Invoiced * 4;
        var rowRate = rows / seconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"azurite: raw batch insert of {states.Count:N0} rows {rawSequential:N0} rows/s one batch at a time, {rawParallel:N0} rows/s {RawParallel} batches at once; " +
            $"run {count:N0} contracts → {report.Invoiced:N0} invoices in {seconds:0.00} s = {count / seconds:N0} contracts/s, {rowRate:N0} table rows/s " +
            $"({rowRate / rawRate:0.00} × the higher raw rate) plus {report.Invoiced * 2:N0} blobs; without the blobs {secondsTablesOnly:0.00} s = {count / secondsTablesOnly:N0} contracts/s " +
            $"({rows / secondsTablesOnly / rawRate:0.00} × raw); raw blob uploads {rawBlobs:N0}/s, so its rows at the raw row rate and its blobs at the raw blob rate would take {rows / rawRate + report.Invoiced * 2 / rawBlobs:0.00} s " +
            $"(the run at {(rows / rawRate + report.Invoiced * 2 / rawBlobs) / seconds:0.00} × that); load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; tables prefixed {prefix}");
    }

    /// <summary>Uploads <paramref name="count"/> blobs of <paramref name="content"/>, 16 at once, in a container of their own; blobs per second.</summary>
    private static async Task<double> RawUploadAsync(string connection, string prefix, byte[] content, int count)
    {
        var stores = await AzureStorage.ConnectAsync(connection, prefix + "Raw").ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
            await stores.Documents.PutAsync(string.Create(CultureInfo.InvariantCulture, $"raw/{i:D7}.html"), "text/html; charset=utf-8", content, token).ConfigureAwait(false)).ConfigureAwait(false);
        return count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>The month's run over <paramref name="states"/>, stored and listed in the due index first (not timed).</summary>
    private static async Task<(double Seconds, BillingRunReport Report)> AzuriteRunAsync(LifecycleStores stores, List<ContractState> states)
    {
        foreach (var state in states)
        {
            await stores.Contracts.TryCreateAsync(state).ConfigureAwait(false);
        }

        // Each contract listed under its next wake-up, as its rounds leave it: the run moves them.
        await stores.DueIndex.AddManyAsync(states.Where(s => s.NextWake is not null).Select(s => (s.ContractId, s.NextWake!.Value)).ToList()).ConfigureAwait(false);

        var workflow = new ContractWorkflow(stores, new VirtualClock(Tokyo.WakeInstant(RunDate)));
        var watch = Stopwatch.StartNew();
        var report = await new MonthlyInvoiceRun(stores, workflow) { ParallelPages = HostSettings.Settings().BillingParallelPages }.RunAsync(Month).ConfigureAwait(false);
        watch.Stop();
        return (watch.Elapsed.TotalSeconds, report);
    }

    /// <summary>Batches at once in the parallel raw measurement (the adapters' own bound, <see cref="LifecycleTables.MaxParallelBatches"/>).</summary>
    private const int RawParallel = LifecycleTables.MaxParallelBatches;

    /// <summary>Adds one row per state (its JSON, as the contract row holds it) in entity-group batches of one partition; rows per second.</summary>
    private static async Task<double> RawInsertAsync(TableClient table, List<ContractState> states, int parallel)
    {
        await table.CreateIfNotExistsAsync().ConfigureAwait(false);
        var batches = states.Select(s => new TableEntity(TableKeys.Bucket(s.ContractId), s.ContractId) { ["State"] = LifecycleJson.Serialize(s) })
            .GroupBy(e => e.PartitionKey, StringComparer.Ordinal)
            .SelectMany(p => p.Chunk(TableKeys.MaxBatch))
            .ToList();
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (batch, token) =>
            await table.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), token).ConfigureAwait(false)).ConfigureAwait(false);
        return states.Count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>A mix of the five products, each with the month's usage recorded, registered long enough ago to be quiet.</summary>
    internal static IEnumerable<ContractState> Contracts(int count, Issuer issuer)
    {
        for (var i = 0; i < count; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"B{i:D7}");
            var customer = new Customer($"Bench Customer {i}", $"c{i}@bench.example");
            var start = new LocalDate(2026, 4, 1).PlusDays(i % 28);
            var registration = (i % 5) switch
            {
                0 => new ContractRegistration(id, ProductCode.EclectAws, customer, new ContractDates(start), issuer),
                1 => new ContractRegistration(id, ProductCode.NecExpress5800, customer, new ContractDates(new LocalDate(2026, 4, 1), new LocalDate(2029, 3, 31)), issuer, new BillingProfile { BaseFee = 100_000m + i % 7 * 1_000m, UnitPrice = 2_500m }),
                2 => new ContractRegistration(id, ProductCode.NttEastAwsOps, customer, new ContractDates(start), issuer, new BillingProfile { Plan = new PlanSelection("standard", 1 + i % 9) }),
                3 => new ContractRegistration(id, ProductCode.OptageNeutrix, customer, new ContractDates(start), issuer, new BillingProfile { Plan = new PlanSelection("advanced", 1 + i % 25) }),
                _ => new ContractRegistration(id, ProductCode.OptageStorage, customer, new ContractDates(start), issuer, new BillingProfile { Plan = new PlanSelection("entry", 1 + i % 12) }),
            };
            var state = registration.ToState();
            var usage = (i % 5) switch
            {
                0 => new MonthUsage(Month, AwsUsageUsd: 100m + i % 900, FxRate: 150m),
                1 => new MonthUsage(Month, Quantity: i % 40),
                3 => new MonthUsage(Month, ResourceFee: 50_000m + i % 1000 * 10m),
                _ => null,
            };
            // Registered before the run: its timers are handled up to the run date, so the run issues the invoice and nothing else.
            yield return state with { RegisteredOn = start, ProcessedThrough = RunDate, Usage = usage is null ? [] : [usage], InvoicedMonths = [.. start.ToYearMonth().MonthsThrough(Month.PlusMonths(-1))] };
        }
    }

    /// <summary>Counts what would be stored: the benchmark renders every document but keeps none.</summary>
    internal sealed class CountingDocumentStore : IDocumentStore
    {
        private long count;
        private long bytes;

        public long Count => Interlocked.Read(ref count);

        public long Bytes => Interlocked.Read(ref bytes);

        public Task PutAsync(string path, string contentType, byte[] content, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref count);
            Interlocked.Add(ref bytes, content.Length);
            return Task.CompletedTask;
        }

        public Task<byte[]?> GetAsync(string path, CancellationToken cancellationToken = default) => Task.FromResult<byte[]?>(null);
    }
}
