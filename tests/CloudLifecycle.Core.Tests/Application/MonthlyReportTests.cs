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
}
