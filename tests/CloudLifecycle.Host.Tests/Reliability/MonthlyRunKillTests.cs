using System.Diagnostics;
using System.Globalization;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Integration.Tests;
using NodaTime;
using Xunit.Abstractions;

namespace CloudLifecycle.Host.Tests.Reliability;

/// <summary>
/// Issue 13: kill -9 of the real host (<c>cloudlifecycle run-month</c> over Azurite) at random points of a monthly
/// run over a few hundred contracts, then the run again to its end. Every contract is invoiced exactly once, each
/// invoice has its documents and its notice, no row is left with commands pending, and the stored report of the
/// month counts every invoice. Each kill gets a month of its own; half are timed from the start (they may land
/// in start-up, in a save, in the commands, in the report), half follow the run's progress (a random contract's
/// invoice is stored, then a random delay).
/// </summary>
[Collection(ServicesFixtureGroup.Name)]
[Trait("Category", "Reliability")]
public sealed class MonthlyRunKillTests(TestServices services, ITestOutputHelper output)
{
    private static readonly Issuer Issuer = new("テスト請求株式会社", "T1234567890123");
    private static readonly YearMonth FirstMonth = new(2026, 4);
    private static readonly string[] DocumentKinds = ["html", "json"];

    /// <summary><c>CLOUDLIFECYCLE_RELIABILITY_CONTRACTS</c>: contracts in the run (default 300: three pages).</summary>
    private static int Contracts => int.TryParse(Environment.GetEnvironmentVariable("CLOUDLIFECYCLE_RELIABILITY_CONTRACTS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 300;

    [Fact]
    public async Task MonthlyRun_KilledAtRandomPoints_ThenRunAgain_InvoicesEveryContractExactlyOnce()
    {
        var real = RealServices.Create(services);
        var stores = await real.StoresAsync();
        var ids = Enumerable.Range(0, Contracts).Select(i => string.Create(CultureInfo.InvariantCulture, $"RK-{i:D4}")).ToList();
        await SeedAsync(stores, ids);
        var random = new Random(ReliabilityFigures.Seed);
        var kills = ReliabilityFigures.Kills;

        // An uninterrupted run first: it is checked like the others and times the run, for the kills timed from the start.
        var baseline = await RunToEndAsync(real, FirstMonth);
        var checks = new List<MonthCheck> { await CheckMonthAsync(stores, ids, FirstMonth) };
        int landed = 0, beforeAnyWrite = 0, midRun = 0, pendingRowsLeft = 0, partlyInvoiced = 0;
        for (var k = 0; k < kills; k++)
        {
            var month = FirstMonth.PlusMonths(1 + k);
            await using (var run = StartRun(real, month))
            {
                if (k % 2 == 0)
                {
                    // Follow the run: once a random contract's invoice is stored, wait a random part of a page's time.
                    var target = InvoiceAssembler.Number(ids[random.Next(ids.Count)], month);
                    var deadline = Stopwatch.StartNew();
                    while (!run.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(2) && await stores.Invoices.GetAsync(target) is null)
                    {
                        await Task.Delay(20);
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * baseline.TotalMilliseconds / 8));
                }
                else
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * baseline.TotalMilliseconds));
                }

                if (await run.KillAsync())
                {
                    landed++;
                }
            }

            // What the kill left: contracts saved as invoiced, invoices stored, rows whose commands had not run or been cleared.
            var afterKill = await RealServices.ContractsAsync(stores);
            var saved = afterKill.Count(c => c.State.InvoicedMonths.Contains(month));
            var invoices = (await stores.Invoices.ListByMonthAsync(month)).Count;
            var pending = afterKill.Count(c => c.PendingCommands.Count > 0);
            pendingRowsLeft += pending;
            if (saved == 0 && invoices == 0)
            {
                beforeAnyWrite++;
            }
            else if (saved < ids.Count || invoices < ids.Count || pending > 0)
            {
                midRun++;
                partlyInvoiced += invoices < ids.Count ? 1 : 0;
            }

            await RunToEndAsync(real, month);
            checks.Add(await CheckMonthAsync(stores, ids, month));
        }

        var notices = (await RealServices.OutboxAsync(stores)).Where(i => i.Notice.Kind == NoticeKind.InvoiceIssued).ToList();
        var noticesPerInvoice = notices.GroupBy(n => n.Notice.InvoiceNumber).ToList();
        var expected = checks.Sum(c => c.Expected);
        var found = checks.Sum(c => c.Found);
        var duplicates = checks.Sum(c => c.Duplicates);
        var lost = checks.Sum(c => c.Lost);
        var reportsShort = checks.Count(c => !c.ReportCountsEveryInvoice);
        var documentsMissing = checks.Sum(c => c.DocumentsMissing);
        var left = (await RealServices.ContractsAsync(stores)).Count(c => c.PendingCommands.Count > 0);
        ReliabilityFigures.Write(output, string.Create(CultureInfo.InvariantCulture,
            $"kill -9 of run-month over Azurite: {ids.Count} contracts, {kills} kills (seed {ReliabilityFigures.Seed}; {landed} landed while it ran: {beforeAnyWrite} before any write, {midRun} mid-run [{partlyInvoiced} with the month partly invoiced, {pendingRowsLeft} rows left with commands pending], uninterrupted run {baseline.TotalSeconds:0.0} s); " +
            $"invoices expected {expected}, found {found}, duplicates {duplicates}, lost {lost}; invoice notices {notices.Count} for {noticesPerInvoice.Count} invoices; documents missing {documentsMissing}; stored reports not counting every invoice {reportsShort}; rows still pending {left}"));

        Assert.Equal((expected, 0, 0), (found, duplicates, lost));
        Assert.Equal(0, reportsShort);
        Assert.Equal(0, documentsMissing);
        Assert.Equal(0, left);
        Assert.Equal(expected, notices.Count);
        Assert.All(noticesPerInvoice, n => Assert.Single(n));
        // The test tested something: at least one kill fell inside a run's writes.
        Assert.True(midRun >= Math.Min(1, kills), $"no kill landed mid-run ({landed} landed, {beforeAnyWrite} before any write)");
    }

    /// <summary>
    /// Two hosts run the same month over one storage account at once (a second <c>serve</c>, an operator's
    /// <c>run-month</c> beside the scheduler's): the ETags make the second harmless — every contract invoiced once,
    /// and the stored report, whichever run wrote it last, counts every invoice of the month.
    /// </summary>
    [Fact]
    public async Task TwoHostsRunningOneMonthAtOnce_InvoiceEachContractOnce()
    {
        var real = RealServices.Create(services);
        var stores = await real.StoresAsync();
        var ids = Enumerable.Range(0, Contracts).Select(i => string.Create(CultureInfo.InvariantCulture, $"R2-{i:D4}")).ToList();
        await SeedAsync(stores, ids);

        string outputA, outputB;
        await using (var a = StartRun(real, FirstMonth, "--json"))
        await using (var b = StartRun(real, FirstMonth, "--json"))
        {
            var exits = await Task.WhenAll(a.WaitAsync(), b.WaitAsync());
            (outputA, outputB) = (a.Output.Trim(), b.Output.Trim());
            Assert.True(exits.All(e => e == 0), $"exits {string.Join(", ", exits)}:\n{outputA}\n{outputB}");
        }

        // Each run's own figures: what it issued. Together they are the month's invoices, not more.
        var (reportA, reportB) = (RealServices.Json(System.Text.Encoding.UTF8.GetBytes(outputA)), RealServices.Json(System.Text.Encoding.UTF8.GetBytes(outputB)));
        var (invoicedA, invoicedB) = (reportA.GetProperty("invoiced").GetInt32(), reportB.GetProperty("invoiced").GetInt32());
        var runsTotal = reportA.GetProperty("invoicedTotal").GetInt64() + reportB.GetProperty("invoicedTotal").GetInt64();
        var monthTotal = (await stores.Invoices.ListByMonthAsync(FirstMonth)).Sum(i => i.Total);

        var check = await CheckMonthAsync(stores, ids, FirstMonth);
        var notices = (await RealServices.OutboxAsync(stores)).Count(i => i.Notice.Kind == NoticeKind.InvoiceIssued);
        ReliabilityFigures.Write(output, string.Create(CultureInfo.InvariantCulture,
            $"two hosts running one month at once (run-month ×2 over Azurite): {ids.Count} contracts; invoiced by host A {invoicedA}, by host B {invoicedB} (together ¥{runsTotal:N0} against ¥{monthTotal:N0} stored); " +
            $"invoices expected {check.Expected}, found {check.Found}, duplicates {check.Duplicates}, lost {check.Lost}; invoice notices {notices}; documents missing {check.DocumentsMissing}; stored report counts every invoice: {check.ReportCountsEveryInvoice}"));

        Assert.Equal((check.Expected, 0, 0), (check.Found, check.Duplicates, check.Lost));
        Assert.Equal((ids.Count, monthTotal), (invoicedA + invoicedB, runsTotal));
        Assert.Equal(0, check.DocumentsMissing);
        Assert.True(check.ReportCountsEveryInvoice);
        Assert.Equal(ids.Count, notices);
        Assert.DoesNotContain(await RealServices.ContractsAsync(stores), c => c.PendingCommands.Count > 0);
    }

    private static async Task SeedAsync(LifecycleStores stores, IReadOnlyList<string> ids)
    {
        var usage = Enumerable.Range(0, 36).Select(m => FirstMonth.PlusMonths(m)).ToList();
        await Parallel.ForEachAsync(ids.Select((id, i) => (id, i)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, cancel) =>
        {
            var registration = new ContractRegistration(c.id, ProductCode.NecExpress5800,
                new Customer("信頼性テスト株式会社", $"{c.id.ToLowerInvariant()}@example.com", Language.Ja),
                new ContractDates(new LocalDate(2026, 4, 1), new LocalDate(2031, 3, 31)), Issuer, new BillingProfile { BaseFee = 120_000m, UnitPrice = 180m });
            Assert.True(await stores.Contracts.TryCreateAsync(registration.ToState() with
            {
                ProcessedThrough = new LocalDate(2026, 5, 1),
                Usage = usage.Select(m => new MonthUsage(m, Quantity: c.i % 50)).ToList(),
            }, cancel));
        });
    }

    private static HostProcess StartRun(RealServices real, YearMonth month, params string[] more) =>
        HostProcess.Start(["run-month", month.ToString("uuuu-MM", CultureInfo.InvariantCulture), "--as-of", LocalDatePattern(month.PlusMonths(1).OnDayOfMonth(2)), .. more], real.Environment());

    private static async Task<TimeSpan> RunToEndAsync(RealServices real, YearMonth month)
    {
        await using var run = StartRun(real, month);
        var exit = await run.WaitAsync();
        Assert.True(exit == 0, $"run-month {month:uuuu-MM} exited {exit}: {run.Output}");
        return run.Elapsed;
    }

    private static string LocalDatePattern(LocalDate date) => date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>One month after its run completed: one invoice per contract, its documents, the contract saved as invoiced, the report.</summary>
    private static async Task<MonthCheck> CheckMonthAsync(LifecycleStores stores, List<string> ids, YearMonth month)
    {
        var invoices = await stores.Invoices.ListByMonthAsync(month);
        var expected = ids.ToHashSet(StringComparer.Ordinal);
        var perContract = invoices.GroupBy(i => i.ContractId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var found = expected.Count(perContract.ContainsKey);
        var duplicates = perContract.Sum(p => p.Value - 1) + perContract.Keys.Count(k => !expected.Contains(k));
        var contracts = await RealServices.ContractsAsync(stores);
        var notSaved = contracts.Count(c => expected.Contains(c.State.ContractId) && c.State.InvoicedMonths.Count(m => m == month) != 1);
        var missing = 0;
        await Parallel.ForEachAsync(invoices, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (invoice, cancel) =>
        {
            foreach (var kind in DocumentKinds)
            {
                if (await stores.Documents.GetAsync($"invoices/{month:uuuu-MM}/{invoice.Number}.{kind}", cancel) is null)
                {
                    Interlocked.Increment(ref missing);
                }
            }
        });
        var report = await stores.Documents.GetAsync(MonthlyInvoiceRun.ReportPath(month));
        var counts = report is not null
            && RealServices.Json(report).GetProperty("monthInvoices").GetInt32() == invoices.Count
            && RealServices.Json(report).GetProperty("monthTotal").GetInt64() == invoices.Sum(i => i.Total)
            && invoices.Count == ids.Count;
        return new MonthCheck(ids.Count, found, duplicates, expected.Count - found + notSaved, missing, counts);
    }

    private sealed record MonthCheck(int Expected, int Found, int Duplicates, int Lost, int DocumentsMissing, bool ReportCountsEveryInvoice);
}
