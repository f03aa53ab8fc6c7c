using System.Text;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;
using NodaTime.Testing;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>
/// Issue 17: the monthly run takes pages side by side (<see cref="MonthlyInvoiceRun.ParallelPages"/>) and keeps the
/// run's guarantees: every contract invoiced once, a re-run invoices nothing twice, one contract's failure is reported
/// and stops no other, and the stored report counts every invoice of the month. The contract store here holds each
/// page's writes for a moment, so pages really overlap (the test checks they did).
/// </summary>
public class ParallelPagesTests
{
    private const int PageSize = 3;
    private const int Degree = 4;
    private static readonly YearMonth Month = YM("2026-10");

    private static string Id(int i) => $"P-{i:D2}";

    /// <summary>
    /// <paramref name="count"/> eclect-aws contracts with October usage (the ids in <paramref name="poisoned"/> with a
    /// figure no invoice can hold, stored as a host before the bounds existed would have stored it), and the run day.
    /// </summary>
    private static async Task<(LifecycleStores Stores, OverlapCountingContracts Contracts, ContractWorkflow RunDay)> WorldAsync(int count, params string[] poisoned)
    {
        var contracts = new OverlapCountingContracts(new InMemoryContractStore());
        var stores = InMemoryStores.Create() with { Contracts = contracts };
        var october = new ContractWorkflow(stores, new FakeClock(Tokyo.WakeInstant(D("2026-10-31"))));
        for (var i = 1; i <= count; i++)
        {
            await october.RegisterAsync(Eclect(Id(i), "2026-04-01"));
            await october.RaiseAsync(Id(i), new UsageRecorded(new MonthUsage(Month, AwsUsageUsd: 100m * i, FxRate: 150m)));
        }

        foreach (var id in poisoned)
        {
            var stored = (await stores.Contracts.GetAsync(id))!;
            await stores.Contracts.ReplaceAsync(stored.State with { Usage = [new MonthUsage(Month, AwsUsageUsd: decimal.MaxValue, FxRate: 150m)] }, stored.ETag);
        }

        return (stores, contracts, new ContractWorkflow(stores, new FakeClock(Tokyo.WakeInstant(D("2026-11-02")))));
    }

    private static MonthlyInvoiceRun Run(LifecycleStores stores, ContractWorkflow workflow, int degree = Degree) =>
        new(stores, workflow) { ParallelPages = degree };

    [Fact]
    public async Task PagesSideBySide_InvoiceEveryContractExactlyOnce()
    {
        const int count = 40;
        var (stores, contracts, runDay) = await WorldAsync(count);
        var progress = new RecordingProgress();

        var report = await Run(stores, runDay).RunAsync(Month, progress, PageSize);

        Assert.True(contracts.MostAtOnce >= 2, $"pages never overlapped (at most {contracts.MostAtOnce} writing at once)");
        Assert.Equal((count, count, 0, 0), (report.Contracts, report.Invoiced, report.AlreadyInvoiced, report.Failures.Count));
        for (var i = 1; i <= count; i++)
        {
            var invoice = await stores.Invoices.GetAsync($"INV-{Id(i)}-202610");
            Assert.NotNull(invoice);
            Assert.Single(await stores.Outbox.ListForContractAsync(Id(i)), n => n.Notice.Kind == NoticeKind.InvoiceIssued);
            var stored = (await stores.Contracts.GetAsync(Id(i)))!;
            Assert.Contains(Month, stored.State.InvoicedMonths);
            Assert.Empty(stored.PendingCommands);
        }

        Assert.Equal(count, (await stores.Invoices.ListByMonthAsync(Month)).Count);
        // Progress counts grow page by page to the whole run, whatever order the pages finish in.
        Assert.Equal(count, progress.Values[^1].Contracts);
        Assert.Equal(progress.Values.Select(v => v.Contracts).Order(), progress.Values.Select(v => v.Contracts));
    }

    [Fact]
    public async Task RerunWithPagesSideBySide_InvoicesNothingTwice_AndTheStoredReportStillCountsEveryInvoice()
    {
        const int count = 25;
        var (stores, _, runDay) = await WorldAsync(count);
        var first = await Run(stores, runDay).RunAsync(Month, pageSize: PageSize);

        var second = await Run(stores, runDay).RunAsync(Month, pageSize: PageSize);

        Assert.Equal((count, 0), (first.Invoiced, first.AlreadyInvoiced));
        Assert.Equal((0, count, 0L), (second.Invoiced, second.AlreadyInvoiced, second.InvoicedTotal));
        var invoices = await stores.Invoices.ListByMonthAsync(Month);
        Assert.Equal(count, invoices.Count);
        Assert.Equal(count, invoices.Select(i => i.Number).Distinct().Count());
        var stored = LifecycleJson.Deserialize<BillingRunReport>(Encoding.UTF8.GetString((await stores.Documents.GetAsync(MonthlyInvoiceRun.ReportPath(Month)))!));
        Assert.Equal((count, first.InvoicedTotal), (stored.MonthInvoices, stored.MonthTotal));
        Assert.Equal(invoices.Sum(i => i.Total), stored.MonthTotal);
    }

    [Fact]
    public async Task FailuresInPagesSideBySide_AreReportedInScanOrder_AndStopNoOtherContract()
    {
        const int count = 30;
        string[] poisoned = [Id(4), Id(17), Id(29)];
        var (stores, contracts, runDay) = await WorldAsync(count, poisoned);

        var report = await Run(stores, runDay).RunAsync(Month, pageSize: PageSize);

        Assert.True(contracts.MostAtOnce >= 2, $"pages never overlapped (at most {contracts.MostAtOnce} writing at once)");
        Assert.Equal(count - poisoned.Length, report.Invoiced);
        // The same list, in the same order, as one page at a time would report: the order pages finish in does not show.
        Assert.Equal(poisoned, report.Failures.Select(f => f.ContractId));
        Assert.All(report.Failures, f => Assert.Equal("awsUsageUsd", f.Field));
        foreach (var id in poisoned)
        {
            Assert.Null(await stores.Invoices.GetAsync($"INV-{id}-202610"));
            Assert.DoesNotContain(Month, (await stores.Contracts.GetAsync(id))!.State.InvoicedMonths);
        }

        Assert.Equal(count - poisoned.Length, (await stores.Invoices.ListByMonthAsync(Month)).Count);
        var stored = Encoding.UTF8.GetString((await stores.Documents.GetAsync(MonthlyInvoiceRun.ReportPath(Month)))!);
        Assert.All(poisoned, id => Assert.Contains(id, stored, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PagesSideBySide_ReportWhatOnePageAtATimeReports()
    {
        const int count = 20;
        var (sequentialStores, _, sequentialDay) = await WorldAsync(count, Id(7));
        var (parallelStores, _, parallelDay) = await WorldAsync(count, Id(7));

        var sequential = await Run(sequentialStores, sequentialDay, degree: 1).RunAsync(Month, pageSize: PageSize);
        var parallel = await Run(parallelStores, parallelDay).RunAsync(Month, pageSize: PageSize);

        Assert.Equal(Figures(sequential), Figures(parallel));
        Assert.Equal(sequential.Failures, parallel.Failures);
    }

    private static (int, int, int, int, long, int, int, long) Figures(BillingRunReport r) =>
        (r.Contracts, r.Invoiced, r.AlreadyInvoiced, r.NotBillable, r.InvoicedTotal, r.Conflicts, r.MonthInvoices, r.MonthTotal);

    /// <summary>Records every progress report as it is made (no synchronisation context in between).</summary>
    private sealed class RecordingProgress : IProgress<BillingRunProgress>
    {
        private readonly List<BillingRunProgress> values = [];

        public IReadOnlyList<BillingRunProgress> Values
        {
            get
            {
                lock (values)
                {
                    return [.. values];
                }
            }
        }

        public void Report(BillingRunProgress value)
        {
            lock (values)
            {
                values.Add(value);
            }
        }
    }

    /// <summary>
    /// The in-memory contract store, with each page's batch write held for a moment (as a Table batch takes a round
    /// trip) and the most batch writes ever in flight at once counted: two at once means two pages overlapped.
    /// </summary>
    private sealed class OverlapCountingContracts(IContractStore inner) : IContractStore
    {
        private int inFlight;
        private int mostAtOnce;

        public int MostAtOnce => Volatile.Read(ref mostAtOnce);

        public Task<StoredContract?> GetAsync(string contractId, CancellationToken cancellationToken = default) => inner.GetAsync(contractId, cancellationToken);

        public Task<bool> TryCreateAsync(ContractState state, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default) =>
            inner.TryCreateAsync(state, pendingCommands, cancellationToken);

        public Task<string> ReplaceAsync(ContractState state, string etag, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default) =>
            inner.ReplaceAsync(state, etag, pendingCommands, cancellationToken);

        public async Task<ReplaceManyResult> ReplaceManyAsync(IReadOnlyList<StoredContract> states, CancellationToken cancellationToken = default)
        {
            var now = Interlocked.Increment(ref inFlight);
            int seen;
            while (now > (seen = Volatile.Read(ref mostAtOnce)) && Interlocked.CompareExchange(ref mostAtOnce, now, seen) != seen)
            {
            }

            try
            {
                await Task.Delay(20, cancellationToken);
                return await inner.ReplaceManyAsync(states, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }

        public IAsyncEnumerable<IReadOnlyList<StoredContract>> ScanAsync(int pageSize, CancellationToken cancellationToken = default) => inner.ScanAsync(pageSize, cancellationToken);
    }
}
