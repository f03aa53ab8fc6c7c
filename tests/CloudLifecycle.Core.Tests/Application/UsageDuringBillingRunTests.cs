using NodaTime.Testing;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>
/// Issue 13 defect 3: usage for a month arrives while another process's billing run invoices that month. The usage
/// round loses its save to the run and, deciding again, is refused ("already invoiced"); the caller must then hear the
/// refusal, not "usage recorded".
/// </summary>
public class UsageDuringBillingRunTests
{
    private static readonly YearMonth Month = YM("2026-10");

    [Fact]
    public async Task UsageWhoseSaveLosesToTheBillingRun_IsRefusedWithTheReason_NotAnsweredAsRecorded()
    {
        var shared = InMemoryStores.Create();
        var october = new ContractWorkflow(shared, new FakeClock(Tokyo.WakeInstant(D("2026-10-31"))));
        await october.RegisterAsync(Eclect("C-1", "2026-04-01"));
        await october.RaiseAsync("C-1", new UsageRecorded(new MonthUsage(Month, AwsUsageUsd: 1_000m, FxRate: 150m)));
        var runDay = new FakeClock(Tokyo.WakeInstant(D("2026-11-02")));
        var hostB = new ContractWorkflow(shared, runDay);
        var hostA = new ContractWorkflow(shared with { Contracts = new AnotherWriterFirst(shared.Contracts, "C-1", () => new MonthlyInvoiceRun(shared, hostB).RunAsync(Month)) }, runDay);

        var refused = await Assert.ThrowsAsync<ContractRuleException>(() =>
            hostA.RaiseAsync("C-1", new UsageRecorded(new MonthUsage(Month, AwsUsageUsd: 3_000m, FxRate: 150m)) { EventId = "api/usage-late" }));

        var stored = (await shared.Contracts.GetAsync("C-1"))!.State;
        Assert.Contains(Month, stored.InvoicedMonths);
        Assert.DoesNotContain("api/usage-late", stored.RecentEventIds);
        Assert.Equal(RefusalKind.Conflict, refused.Kind);
        Assert.Contains("2026-10 is already invoiced", refused.Message, StringComparison.Ordinal);
        // The invoice is the one of the usage that was stored before the run.
        var invoice = (await shared.Invoices.GetAsync("INV-C-1-202610"))!;
        Assert.Equal(invoice, (await shared.Invoices.ListByMonthAsync(Month)).Single());
    }
}
