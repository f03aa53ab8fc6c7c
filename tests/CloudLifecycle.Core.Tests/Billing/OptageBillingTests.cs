using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using static CloudLifecycle.Core.Tests.Billing.BillingFixtures;
using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Billing;

public class OptageBillingTests
{
    [Fact]
    public void Invoice_IssueExample_PremiumWindows22_Volume()
    {
        var invoice = Bill(Optage(plan: "premium") with { Windows = true });

        Assert.Equal(50_000, Amount(invoice, "managed-base"));
        var components = invoice.Lines.Single(l => l.Code == "managed-components");
        Assert.Equal(462_000, components.Amount);           // 22 × 21,000: every component at the 21- price
        Assert.Contains("22 × 21,000", components.Description.Ja, StringComparison.Ordinal);
        Assert.Equal((22m, 21_000m, "別表2"), (components.Quantity, components.UnitPrice, components.Clause));
        Assert.Equal(51_200, invoice.Tax);
        Assert.Equal(563_200, invoice.Total);
        Assert.Equal(D("2026-11-02"), invoice.IssueDate);
        Assert.Equal(D("2026-11-30"), invoice.DueDate);
    }

    [Fact]
    public void Invoice_IssueExample_PremiumWindows22_Graduated()
    {
        var invoice = Bill(Optage(plan: "premium") with { Windows = true, ComponentPricing = ComponentPricing.Graduated });

        var components = invoice.Lines.Single(l => l.Code == "managed-components");
        Assert.Equal(567_000, components.Amount);
        Assert.Contains("5 × 30,000 + 15 × 25,000 + 2 × 21,000", components.Description.En, StringComparison.Ordinal);
        Assert.Equal((22m, (decimal?)null, "別表2"), (components.Quantity, components.UnitPrice, components.Clause));
        Assert.Equal(61_700, invoice.Tax);
        Assert.Equal(678_700, invoice.Total);
    }

    /// <summary>
    /// 別表2 per band boundary, every plan, Linux and Windows prices: the component fee read literally
    /// (volume: the count's band price × the count) and graduated (each band at its price).
    /// Figures worked by hand from the table: 1–5 / 6–20 / 21- per component.
    /// </summary>
    [Theory]
    [InlineData("entry", false, 1, 4_000, 4_000)]
    [InlineData("entry", false, 5, 20_000, 20_000)]
    [InlineData("entry", false, 6, 18_000, 23_000)]
    [InlineData("entry", false, 20, 60_000, 65_000)]
    [InlineData("entry", false, 21, 58_800, 67_800)]
    [InlineData("entry", true, 6, 18_000, 23_000)]       // Windows prices exist for Premium only
    [InlineData("entry", true, 21, 58_800, 67_800)]
    [InlineData("standard", false, 1, 9_000, 9_000)]
    [InlineData("standard", false, 5, 45_000, 45_000)]
    [InlineData("standard", false, 6, 49_200, 53_200)]
    [InlineData("standard", false, 20, 164_000, 168_000)]
    [InlineData("standard", false, 21, 155_400, 175_400)]
    [InlineData("standard", true, 21, 155_400, 175_400)]
    [InlineData("advanced", false, 1, 15_000, 15_000)]
    [InlineData("advanced", false, 5, 75_000, 75_000)]
    [InlineData("advanced", false, 6, 72_000, 87_000)]
    [InlineData("advanced", false, 20, 240_000, 255_000)]
    [InlineData("advanced", false, 21, 210_000, 265_000)]
    [InlineData("advanced", true, 6, 72_000, 87_000)]
    [InlineData("premium", false, 1, 25_000, 25_000)]
    [InlineData("premium", false, 5, 125_000, 125_000)]
    [InlineData("premium", false, 6, 126_000, 146_000)]
    [InlineData("premium", false, 20, 420_000, 440_000)]
    [InlineData("premium", false, 21, 315_000, 455_000)]
    [InlineData("premium", true, 1, 30_000, 30_000)]
    [InlineData("premium", true, 5, 150_000, 150_000)]
    [InlineData("premium", true, 6, 150_000, 175_000)]
    [InlineData("premium", true, 20, 500_000, 525_000)]
    [InlineData("premium", true, 21, 441_000, 546_000)]
    public void ComponentPrices_PerBandBoundary_BothSettings(string plan, bool windows, int components, long volume, long graduated)
    {
        var input = Optage(plan: plan, components: components) with { Windows = windows };

        Assert.Equal(volume, Amount(Bill(input), "managed-components"));
        Assert.Equal(graduated, Amount(Bill(input with { ComponentPricing = ComponentPricing.Graduated }), "managed-components"));
        var baseFee = Amount(Bill(input), "managed-base");
        Assert.Equal(baseFee + volume, OptageBilling.MonthlyManagedFee(new PlanSelection(plan, components, windows), ComponentPricing.Volume));
        Assert.Equal(baseFee + graduated, OptageBilling.MonthlyManagedFee(new PlanSelection(plan, components, windows), ComponentPricing.Graduated));
    }

    [Fact]
    public void Volume_EntryIsNotMonotonic_SixComponentsCostLessThanFive()
    {
        // 別表2 read literally: 5 × 4,000 = 20,000 but 6 × 3,000 = 18,000 (+ base 10,000: ¥30,000 vs ¥28,000).
        var five = Bill(Optage(plan: "entry", components: 5));
        var six = Bill(Optage(plan: "entry", components: 6));

        Assert.Equal((30_000, 28_000), (five.Subtotal, six.Subtotal));
        Assert.True(six.Total < five.Total);
    }

    [Fact]
    public void Graduated_NeverCheaperThanVolume()
    {
        foreach (var plan in OptageBilling.Plans.Keys)
        {
            for (var components = 1; components <= 40; components++)
            {
                var selection = new PlanSelection(plan, components, Windows: true);
                Assert.True(OptageBilling.MonthlyManagedFee(selection, ComponentPricing.Graduated) >= OptageBilling.MonthlyManagedFee(selection, ComponentPricing.Volume));
            }
        }
    }

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

    [Theory]
    [InlineData(ComponentPricing.Volume, 5 * (20_000 + 162_800 + 4_000))]      // standard 22: 22 × 7,400
    [InlineData(ComponentPricing.Graduated, 5 * (20_000 + 182_800 + 4_000))]   // 5 × 9,000 + 15 × 8,200 + 2 × 7,400
    public void EndInsideMinimumTerm_OwesRemainingMonths_AsTheSettingPrices(ComponentPricing pricing, long expected)
    {
        var invoice = Bill(Optage(month: "2026-10") with { End = D("2026-10-15"), MetricRelaxationComponents = 2, ComponentPricing = pricing });

        var line = invoice.Lines.Single(l => l.Code == "early-termination");
        Assert.Equal(expected, line.Amount); // November–March at the month's fee
        Assert.Equal("§11-2", line.Clause);
        Assert.Equal(TaxTreatment.OptageEarlyTermination, line.TaxRate);
    }

    [Fact]
    public void Neutrix_EndingInTheFreeStartMonth_RemainingMonthsIncludeTheResourceFee()
    {
        // Issue 12 defect 5: start 2026-04-02 (the 2nd business day: April's resource fee waived, 別表3-1),
        // ended 04-30 inside the minimum term (to 2027-04-01): May 2026 – April 2027 = 12 months owed at
        // entry 5 (10,000 + 5 × 4,000) + the resource fee 100,000 = 130,000 a month (§11-2).
        var invoice = Bill(Optage(month: "2026-04", plan: "entry", components: 5) with { Start = D("2026-04-02"), End = D("2026-04-30"), ResourceFee = 100_000m });

        Assert.Equal(0, Amount(invoice, "resource-fee"));
        var line = invoice.Lines.Single(l => l.Code == "early-termination");
        Assert.Equal((12m, 130_000m, 1_560_000L), (line.Quantity, line.UnitPrice, line.Amount));
    }

    [Theory]
    [InlineData(ComponentPricing.Volume, 38_000 * 5)]      // advanced 10: 20,000 + 10 × 12,000 = 140,000; standard 10: 20,000 + 10 × 8,200 = 102,000
    [InlineData(ComponentPricing.Graduated, 49_000 * 5)]   // advanced 10: 20,000 + 75,000 + 60,000 = 155,000; standard 10: 20,000 + 45,000 + 41,000 = 106,000
    public void Downgrade_InsideMinimumTerm_OwesTheDifference_AsTheSettingPrices(ComponentPricing pricing, long expected)
    {
        var downgrade = Bill(Optage(month: "2026-10", components: 10) with { DowngradedFrom = new PlanSelection("advanced", 10), ComponentPricing = pricing });
        var upgrade = Bill(Optage(month: "2026-10", plan: "advanced", components: 10) with { DowngradedFrom = new PlanSelection("standard", 10), ComponentPricing = pricing });

        Assert.Equal(expected, Amount(downgrade, "downgrade"));
        Assert.DoesNotContain(upgrade.Lines, l => l.Code == "downgrade");
    }

    [Fact]
    public void Downgrade_ByComponentCountUnderVolume_CanBeAnUpgrade()
    {
        // Entry 6 (28,000) costs less than entry 5 (30,000) under volume: going from 6 to 5 raises the fee, so §11-3 owes nothing;
        // from 5 to 6 lowers it by 2,000 a month.
        var sixToFive = Bill(Optage(month: "2026-10", plan: "entry", components: 5) with { DowngradedFrom = new PlanSelection("entry", 6) });
        var fiveToSix = Bill(Optage(month: "2026-10", plan: "entry", components: 6) with { DowngradedFrom = new PlanSelection("entry", 5) });

        Assert.DoesNotContain(sixToFive.Lines, l => l.Code == "downgrade");
        Assert.Equal(2_000 * 5, Amount(fiveToSix, "downgrade"));
    }

    [Theory]
    [InlineData(5, ComponentPricing.Volume, 65_000 * 2 / 28)]
    [InlineData(5, ComponentPricing.Graduated, 65_000 * 2 / 28)]
    [InlineData(22, ComponentPricing.Volume, 182_800 * 2 / 28)]     // 20,000 + 22 × 7,400
    [InlineData(22, ComponentPricing.Graduated, 202_800 * 2 / 28)]  // 20,000 + 182,800
    public void OutageCredit_ProratedByCalendarDays_AsTheSettingPrices(int components, ComponentPricing pricing, long credit)
    {
        var invoice = Bill(Optage(month: "2027-02", components: components) with { Outage = new ServiceOutage(50), ComponentPricing = pricing });

        Assert.Equal(-credit, Amount(invoice, "outage-credit")); // 2 days of February (28 days), truncated
    }

    [Fact]
    public void Rounding_TaxByItsClause_FeesByOurPolicy()
    {
        var billing = BillingCatalog.For(ProductCode.OptageNeutrix);

        Assert.Equal("別表3-2", Bill(Optage()).TaxClause);
        Assert.True(billing.FeeRounding.IsOurPolicy);
        Assert.True(billing.LateInterest.Rounding.IsOurPolicy);
    }

    [Fact]
    public void DueDate_Configurable()
    {
        // Two months after October: 2026-12-31, a bank holiday, so the next bank business day (民法 §142).
        Assert.Equal(D("2027-01-04"), Bill(Optage() with { DueMonthsAfter = 2 }).DueDate);
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
