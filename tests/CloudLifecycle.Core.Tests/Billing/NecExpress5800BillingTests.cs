using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using static CloudLifecycle.Core.Tests.Billing.BillingFixtures;
using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Billing;

public class NecExpress5800BillingTests
{
    [Fact]
    public void Invoice_IssueExample_BasePlusMetered()
    {
        var invoice = Bill(Nec());

        Assert.Equal(120_000, Amount(invoice, "base-fee"));
        Assert.Equal(63_000, Amount(invoice, "metered-fee"));
        Assert.Equal(201_300, invoice.Total);
        Assert.Equal(D("2026-11-02"), invoice.IssueDate); // next month; 11/1 is a Sunday
        Assert.Equal(D("2027-01-04"), invoice.DueDate);   // end of the month after the invoice month (§5-1); 12-31 is a bank holiday (民法 §142)
    }

    [Fact]
    public void OutageCredit_TenDaysOrMore_CreditsDailyBaseFee()
    {
        // Known 2026-09-05, down 12 days; could apply from 9/15; deadline the 10th business day of October (10/15, after スポーツの日).
        var invoice = Bill(Nec() with { NecOutage = new NecOutage(D("2026-09-05"), 12, D("2026-10-14")) });

        Assert.Equal(-48_000, Amount(invoice, "outage-credit")); // 120,000 × 12 / 30 (September)
        Assert.Equal("§11-1", invoice.Lines.Single(l => l.Code == "outage-credit").Clause);
    }

    [Theory]
    [InlineData(9, "2026-10-01", "necOutage.downDays")]
    [InlineData(12, "2026-10-16", "necOutage.appliedOn")]
    public void OutageCredit_NotQualifying_IsRefused(int days, string applied, string field) =>
        Assert.Equal(field, Assert.Throws<ContractRuleException>(() =>
            Bill(Nec() with { NecOutage = new NecOutage(D("2026-09-05"), days, D(applied)) })).Field);

    [Fact]
    public void OutageCredit_NeverMoreThanTheBaseFee()
    {
        var invoice = Bill(Nec("2026-11") with { BaseFee = 100_000m, NecOutage = new NecOutage(D("2026-10-01"), 31, D("2026-11-10")) });

        Assert.Equal(-100_000, Amount(invoice, "outage-credit"));
        Assert.True(invoice.Total >= 0);
    }

    [Fact]
    public void EarlyCancellation_OwesBaseFeeForRemainingMonths_Taxable()
    {
        var invoice = Bill(Nec("2027-03") with { Termination = new NecTermination(D("2027-03-31"), NecTerminationReason.Cancellation) });

        var line = invoice.Lines.Single(l => l.Code == "remaining-months");
        Assert.Equal(48 * 120_000, line.Amount);
        Assert.Equal("§24-2", line.Clause);
        Assert.Equal(0.10m, line.TaxRate);
    }

    [Fact]
    public void EquipmentLoss_PenaltyIsOutsideTheScopeOfTax_TaxPerRate()
    {
        var invoice = Bill(Nec("2027-03") with { Termination = new NecTermination(D("2027-03-10"), NecTerminationReason.EquipmentLoss) });

        Assert.Equal("§13", invoice.Lines.Single(l => l.Code == "remaining-months").Clause);
        Assert.Equal(2, invoice.TaxSummaries.Count);
        Assert.Equal(new TaxSummary(0.10m, 183_000, 18_300), invoice.TaxSummaries[0]);
        Assert.Equal(new TaxSummary(0m, 48 * 120_000, 0), invoice.TaxSummaries[1]);
        Assert.Null(invoice.SingleTaxRate);
    }

    [Fact]
    public void Cancellation_NotOnAMonthEnd_IsRefused() =>
        Assert.Equal("§24-1", Assert.Throws<ContractRuleException>(() =>
            Bill(Nec("2027-03") with { Termination = new NecTermination(D("2027-03-15"), NecTerminationReason.Cancellation) })).Clause);

    [Fact]
    public void DelayedRemoval_DailyBaseFeeAfterTheAgreedDate()
    {
        var invoice = Bill(Nec("2031-04") with { RemovalDelay = new RemovalDelay(D("2031-04-10"), D("2031-04-16")) });

        var line = Assert.Single(invoice.Lines);
        Assert.Equal(24_000, line.Amount); // 6 days × 120,000 / 30
        Assert.Equal("§29-3", line.Clause);
        Assert.Equal(0m, line.TaxRate);
    }

    [Theory]
    [InlineData("2026-12-31", "2027-01-30", 26, 10_400)]  // 12-31 is a bank holiday: due 01-04 (民法 §142); 01-05 through the payment day: 1,000,000 × 14.6% × 26 / 365
    [InlineData("2027-12-31", "2028-03-01", 57, 22_800)]  // due 2028-01-04: Jan 5–31 + Feb 29 + Mar 1, still ÷ 365
    [InlineData("2027-11-30", "2027-12-30", 30, 12_000)]  // a bank business day: from the day after through the payment day
    public void LateInterest_ThroughThePaymentDay(string due, string paid, int days, long interest)
    {
        var result = BillingCatalog.For(ProductCode.NecExpress5800).LateInterest.Compute(1_000_000, D(due), D(paid));

        Assert.Equal(days, result.Days);
        Assert.Equal(interest, result.Interest);
        Assert.Equal("§5-2", result.Clause);
    }

    [Fact]
    public void Rounding_NoClauseNamesIt_LabelledAsOurPolicyNotAClause()
    {
        // §4 sets the fees and §5-1 bills them with 消費税等相当額; neither says how a fraction rounds.
        var billing = BillingCatalog.For(ProductCode.NecExpress5800);
        var invoice = Bill(Nec() with { Quantity = 3.5m, UnitPrice = 333m });

        Assert.Equal("§5-1, policy: truncate", invoice.TaxClause);
        Assert.True(billing.FeeRounding.IsOurPolicy);
        Assert.True(billing.TaxRounding.IsOurPolicy);
        Assert.True(billing.LateInterest.Rounding.IsOurPolicy);
        Assert.Equal(1_165, Amount(invoice, "metered-fee")); // 3.5 × 333 = 1,165.5, truncated
    }

    [Theory]
    [InlineData(NecTerminationReason.Cancellation, "§24-2", 0.10)]   // 「未払いのサービス料金」: fees, taxed
    [InlineData(NecTerminationReason.EquipmentLoss, "§13", 0)]       // 「違約金として」: outside the scope of tax
    [InlineData(NecTerminationReason.FalseStatement, "§25-2", 0)]
    [InlineData(NecTerminationReason.Breach, "§26-3", 0)]
    public void TerminationAmounts_TaxAsTaxTreatmentStates(NecTerminationReason reason, string clause, double rate)
    {
        var line = Bill(Nec("2027-03") with { Termination = new NecTermination(D("2027-03-31"), reason) }).Lines.Single(l => l.Code == "remaining-months");

        Assert.Equal((clause, (decimal)rate), (line.Clause, line.TaxRate));
    }
}
