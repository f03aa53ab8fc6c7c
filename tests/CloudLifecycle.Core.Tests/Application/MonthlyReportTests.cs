using NodaTime.Testing;
using System.Text;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>
/// Issue 13 defect 7: the stored report of a month is rewritten by every run of that month; it must still count every
/// invoice of the month, not only those the last run issued.
/// </summary>
public class MonthlyReportTests
{
    private static readonly YearMonth Month = YM("2026-10");

    [Fact]
    public async Task RerunAfterLateUsage_StoredReportCountsTheInvoicesOfBothRuns()
    {
        var stores = InMemoryStores.Create();
        var october = new ContractWorkflow(stores, new FakeClock(Tokyo.WakeInstant(D("2026-10-31"))));
        string[] early = ["E-1", "E-2", "E-3"], late = ["L-1", "L-2"];
        foreach (var id in early.Concat(late))
        {
            await october.RegisterAsync(Eclect(id, "2026-04-01"));
        }

        foreach (var id in early)
        {
            await october.RaiseAsync(id, new UsageRecorded(new MonthUsage(Month, AwsUsageUsd: 1_000m, FxRate: 150m)));
        }

        var first = await new MonthlyInvoiceRun(stores, new ContractWorkflow(stores, new FakeClock(Tokyo.WakeInstant(D("2026-11-02"))))).RunAsync(Month);
        var laterDay = new ContractWorkflow(stores, new FakeClock(Tokyo.WakeInstant(D("2026-11-03"))));
        foreach (var id in late)
        {
            await laterDay.RaiseAsync(id, new UsageRecorded(new MonthUsage(Month, AwsUsageUsd: 2_000m, FxRate: 150m)));
        }

        var second = await new MonthlyInvoiceRun(stores, laterDay).RunAsync(Month);

        var stored = LifecycleJson.Deserialize<BillingRunReport>(Encoding.UTF8.GetString((await stores.Documents.GetAsync(MonthlyInvoiceRun.ReportPath(Month)))!));
        var invoices = new List<long>();
        foreach (var id in early.Concat(late))
        {
            invoices.Add((await stores.Invoices.GetAsync($"INV-{id}-202610"))!.Total);
        }

        Assert.Equal((3, 2), (first.Invoiced, second.Invoiced));
        Assert.Equal(5, stored.MonthInvoices);
        Assert.Equal(invoices.Sum(), stored.MonthTotal);
        Assert.Equal(first.InvoicedTotal + second.InvoicedTotal, stored.MonthTotal);
        // The run's own figures stay the run's: the second issued two.
        Assert.Equal((2, 3), (stored.Invoiced, stored.AlreadyInvoiced));
    }

    /// <summary>
    /// Two runs of one month at once (two hosts): the run whose save loses goes through the contract's round, which
    /// finds the month invoiced by the other. That run issued nothing for the contract, and its figures say so; they
    /// counted the decision that lost (two runs reported 507 invoices and ¥69.4M for 300 invoices of ¥41M).
    /// </summary>
    [Fact]
    public async Task ARunWhoseSaveLosesToAnotherRun_DoesNotCountTheOthersInvoiceAsItsOwn()
    {
        var shared = InMemoryStores.Create();
        var october = new ContractWorkflow(shared, new FakeClock(Tokyo.WakeInstant(D("2026-10-31"))));
        foreach (var id in new[] { "C-1", "C-2" })
        {
            await october.RegisterAsync(Eclect(id, "2026-04-01"));
            await october.RaiseAsync(id, new UsageRecorded(new MonthUsage(Month, AwsUsageUsd: 1_000m, FxRate: 150m)));
        }

        var otherHost = new ContractWorkflow(shared, new FakeClock(Tokyo.WakeInstant(D("2026-11-02"))));
        BillingRunReport? other = null;
        var runStores = shared with { Contracts = new AnotherWriterFirst(shared.Contracts, "C-1", async () => other = await new MonthlyInvoiceRun(shared, otherHost).RunAsync(Month)) };
        var thisHost = new ContractWorkflow(runStores, new FakeClock(Tokyo.WakeInstant(D("2026-11-02"))));

        var report = await new MonthlyInvoiceRun(runStores, thisHost).RunAsync(Month);

        var invoices = await shared.Invoices.ListByMonthAsync(Month);
        Assert.Equal(2, invoices.Count);
        Assert.Equal((2, invoices.Sum(i => i.Total)), (other!.Invoiced, other.InvoicedTotal));
        Assert.Equal((0, 0L, 2), (report.Invoiced, report.InvoicedTotal, report.Conflicts));
        Assert.Equal(invoices.Count, report.Invoiced + other.Invoiced);
    }
}
