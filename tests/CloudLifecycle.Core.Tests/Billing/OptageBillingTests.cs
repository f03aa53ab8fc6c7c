using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using static CloudLifecycle.Core.Tests.Billing.BillingFixtures;
using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Billing;

public class OptageBillingTests
{
    [Fact]
    public void Invoice_IssueExample_PremiumWindows22()
    {
        var invoice = Bill(Optage(plan: "premium") with { Windows = true });

        Assert.Equal(50_000, Amount(invoice, "managed-base"));
        Assert.Equal(567_000, Amount(invoice, "managed-components")); // 5 × 30,000 + 15 × 25,000 + 2 × 21,000
        Assert.Equal(61_700, invoice.Tax);
        Assert.Equal(678_700, invoice.Total);
        Assert.Equal(D("2026-11-02"), invoice.IssueDate);
        Assert.Equal(D("2026-11-30"), invoice.DueDate);
    }

    [Theory]
    [InlineData("premium", false, 5, 125_000)]
    [InlineData("premium", false, 6, 146_000)]
    [InlineData("premium", false, 20, 440_000)]
    [InlineData("premium", false, 21, 455_000)]
    [InlineData("premium", true, 21, 546_000)]
    [InlineData("entry", false, 6, 23_000)]
    [InlineData("entry", true, 6, 23_000)]   // Windows prices exist for Premium only
    public void ComponentTiers_Boundaries(string plan, bool windows, int components, long expected) =>
        Assert.Equal(expected, Amount(Bill(Optage(plan: plan, components: components) with { Windows = windows }), "managed-components"));

    [Theory]
    [InlineData(5, 50_000)]
    [InlineData(6, 60_000)]
    [InlineData(22, 220_000)]
    public void StartMonth_InitialFeeCoversFiveComponents(int components, long expected) =>
        Assert.Equal(expected, Amount(Bill(Optage(month: "2026-04", components: components)), "initial-fee"));

    [Fact]
    public void Neutrix_StartOnSecondBusinessDay_ResourceFeeFreeInStartMonth()
    {
        var input = Optage(month: "2026-04") with { Start = D("2026-04-02"), ResourceFee = 80_000m };

        Assert.Equal(0, Amount(Bill(input), "resource-fee"));
        Assert.Equal(80_000, Amount(Bill(input with { Month = Month("2026-05") }), "resource-fee"));
        Assert.Equal(80_000, Amount(Bill(input with { Start = D("2026-04-01") }), "resource-fee"));
        Assert.Equal(80_000, Amount(Bill(input with { Product = ProductCode.OptageStorage }), "resource-fee"));
    }

    [Fact]
    public void EndInsideMinimumTerm_OwesRemainingMonths()
    {
        var invoice = Bill(Optage(month: "2026-10") with { End = D("2026-10-15"), MetricRelaxationComponents = 2 });

        var line = invoice.Lines.Single(l => l.Code == "early-termination");
        Assert.Equal(5 * (20_000 + 182_800 + 4_000), line.Amount); // November–March at the month's recurring fee
        Assert.Equal("§11-2", line.Clause);
    }

    [Fact]
    public void Downgrade_InsideMinimumTerm_OwesTheDifference_UpgradeOwesNothing()
    {
        var downgrade = Bill(Optage(month: "2026-10", components: 10) with { DowngradedFrom = new PlanSelection("advanced", 10) });
        var upgrade = Bill(Optage(month: "2026-10", plan: "advanced", components: 10) with { DowngradedFrom = new PlanSelection("standard", 10) });

        // advanced 10: 20,000 + 5 × 15,000 + 5 × 12,000 = 155,000; standard 10: 20,000 + 45,000 + 41,000 = 106,000
        Assert.Equal(49_000 * 5, Amount(downgrade, "downgrade"));
        Assert.DoesNotContain(upgrade.Lines, l => l.Code == "downgrade");
    }

    [Fact]
    public void OutageCredit_ProratedByCalendarDays()
    {
        var invoice = Bill(Optage(month: "2027-02", components: 5) with { Outage = new ServiceOutage(50) });

        Assert.Equal(-(65_000 * 2 / 28), Amount(invoice, "outage-credit")); // 2 days of February (28 days), truncated
    }

    [Fact]
    public void DueDate_Configurable()
    {
        Assert.Equal(D("2026-12-31"), Bill(Optage() with { DueMonthsAfter = 2 }).DueDate);
        Assert.Equal("dueMonthsAfter", Assert.Throws<ContractRuleException>(() => Bill(Optage() with { DueMonthsAfter = 0 })).Field);
    }

    [Fact]
    public void LateInterest_365DayBasisInLeapYears()
    {
        var result = BillingCatalog.For(ProductCode.OptageStorage).LateInterest.Compute(365_000, D("2028-01-31"), D("2029-02-01"));

        Assert.Equal(366, result.Days);                 // 2028-02-01 … 2029-01-31, with 2028-02-29
        Assert.Equal(53_070, result.Interest);          // 365,000 × 14.5% × 366 / 365 (not ÷ 366)
        Assert.Equal("§27", result.Clause);
    }
}
