using CloudLifecycle.Core.Contracts;
using static CloudLifecycle.Core.Tests.Billing.BillingFixtures;
using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Billing;

public class EclectAwsBillingTests
{
    [Fact]
    public void Invoice_IssueExample_FeesRoundUpTaxRoundsDown()
    {
        var invoice = Bill(Eclect());

        Assert.Equal(186_876, Amount(invoice, "aws-usage"));      // 1,234.56 × 151.37 = 186,875.3472 → up
        Assert.Equal(18_688, Amount(invoice, "aws-support"));     // 18,687.6 → up
        Assert.Equal(20_557, Amount(invoice, "billing-agency"));  // (186,876 + 18,688) × 10% = 20,556.4 → up
        Assert.Equal(226_121, invoice.Subtotal);
        Assert.Equal(22_612, invoice.Tax);                        // 22,612.1 → down (§19)
        Assert.Equal(248_733, invoice.Total);
        Assert.Equal(D("2026-11-02"), invoice.IssueDate);         // a quote: the day a monthly run issues it (11-01 is a Sunday); §16-1 is a deadline, not a date
        Assert.Equal(D("2027-01-04"), invoice.DueDate);           // §16-2: 12-31, a bank holiday → the next bank business day (民法 §142)
        Assert.Equal("INV-C-ECL-202610", invoice.Number);
    }

    [Theory]
    [InlineData(29_999, 2_999.9, 3_000)]   // below ¥30,000: flat ¥3,000
    [InlineData(30_000, 3_000, 3_300)]     // at ¥30,000: 10% of usage + support
    [InlineData(1, 0.1, 3_000)]
    [InlineData(0, 0, 0)]                  // no usage: no fee
    public void AgencyFee_Threshold(int usageJpy, double supportUnrounded, int agency)
    {
        var invoice = Bill(Eclect(usd: null, fx: null) with { AwsUsageJpy = usageJpy });

        Assert.Equal((long)Math.Ceiling(supportUnrounded), Amount(invoice, "aws-support"));
        Assert.Equal(agency, Amount(invoice, "billing-agency"));
    }

    [Fact]
    public void FirstMonth_SupportIsFree()
    {
        var invoice = Bill(Eclect(month: "2026-03"));

        Assert.Equal(0, Amount(invoice, "aws-support"));
        Assert.Equal(18_688, Amount(invoice, "billing-agency")); // 10% of usage alone: 18,687.6 → up
    }

    [Fact]
    public void MissingFxRate_IsRefusedNamingTheClause()
    {
        var error = Assert.Throws<ContractRuleException>(() => Bill(Eclect(fx: null)));

        Assert.Equal("fxRate", error.Field);
        Assert.Equal("§15", error.Clause);
    }

    [Fact]
    public void MonthBeforeStart_IsRefused() =>
        Assert.Equal("month", Assert.Throws<ContractRuleException>(() => Bill(Eclect(month: "2026-02"))).Field);

    [Fact]
    public void MonthAfterCancellation_IsRefused() =>
        Assert.Equal("month", Assert.Throws<ContractRuleException>(() => Bill(Eclect(month: "2026-08") with { End = D("2026-07-20") })).Field);

    [Theory]
    [InlineData("2026-11-30", "2027-01-15", 45, 740)]   // 100,000 × 6% × 45 / 365 = 739.7 → up (§19)
    [InlineData("2026-11-30", "2026-12-01", 0, 0)]      // the day after the due date: nothing counted yet
    [InlineData("2026-12-31", "2027-02-15", 41, 674)]   // 12-31 is a bank holiday: due 01-04 (民法 §142), counted from 01-05
    [InlineData("2026-12-31", "2027-01-05", 0, 0)]
    [InlineData("2026-12-31", "2026-12-31", 0, 0)]
    [InlineData("2028-02-28", "2028-03-02", 2, 33)]     // 2/29 and 3/1: 100,000 × 6% × 2 / 365 = 32.9 → up
    public void LateInterest_DayAfterDueToDayBeforePayment(string due, string paid, int days, long interest)
    {
        var result = Core.Billing.BillingCatalog.For(ProductCode.EclectAws).LateInterest.Compute(100_000, D(due), D(paid));

        Assert.Equal(days, result.Days);
        Assert.Equal(interest, result.Interest);
        Assert.Equal("§17", result.Clause);
    }

    [Fact]
    public void Rounding_FeesUpTaxDown_BothCitingSection19()
    {
        var billing = Core.Billing.BillingCatalog.For(ProductCode.EclectAws);

        Assert.Equal(("§19", "up"), (billing.FeeRounding.Cite(), billing.FeeRounding.Policy.Name));
        Assert.Equal(("§19", "truncate"), (billing.TaxRounding.Cite(), billing.TaxRounding.Policy.Name));
        Assert.Equal("§19", Bill(Eclect()).TaxClause);
    }
}
