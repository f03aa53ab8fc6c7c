using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using static CloudLifecycle.Core.Tests.Billing.BillingFixtures;
using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Billing;

public class NttEastAwsOpsBillingTests
{
    [Fact]
    public void Invoice_IssueExample_FromTheMonthAfterOperationsStart()
    {
        var invoice = Bill(Ntt());

        Assert.Equal(60_000, Amount(invoice, "operations")); // 4 × 15,000
        Assert.Equal(66_000, invoice.Total);
        Assert.Equal(D("2026-12-01"), invoice.IssueDate);
        Assert.Equal(D("2027-01-04"), invoice.DueDate);      // end of the invoice month; 12-31 is a bank holiday (民法 §142)
    }

    [Fact]
    public void StartMonth_NotChargedUnlessCancelledInIt()
    {
        Assert.Empty(Bill(Ntt("2026-10")).Lines);
        Assert.Equal(60_000, Amount(Bill(Ntt("2026-10") with { End = D("2026-10-31") }), "operations"));
    }

    [Fact]
    public void PlanChangedMidMonth_BillsTheDearestPlan()
    {
        var invoice = Bill(Ntt() with { Plan = "entry", PlansDuringMonth = ["advanced", "standard"] });

        var line = invoice.Lines.Single(l => l.Code == "operations");
        Assert.Equal(120_000, line.Amount); // 4 × 30,000 (advanced)
        Assert.Contains("注", line.Clause, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(23.9, false, 0)]
    [InlineData(24, false, -2_000)]     // 1 day: 60,000 × 1 / 30
    [InlineData(71.5, false, -4_000)]   // 2 whole days
    [InlineData(36, true, -3_000)]      // gross negligence: every hour, 1.5 days
    public void OutageCredit_WholeDaysOf24Hours(double hours, bool gross, long credit)
    {
        var invoice = Bill(Ntt() with { Outage = new ServiceOutage((decimal)hours, gross) });

        Assert.Equal(credit, invoice.Lines.SingleOrDefault(l => l.Code == "outage-credit")?.Amount ?? 0);
    }

    [Fact]
    public void SetupItemsAndQualifiedInvoiceFee()
    {
        var invoice = Bill(Ntt("2026-10") with
        {
            SetupItems = [new("parameter-sheet", 3), new("cloud-base-setup", 1), new("component-setup", 4), new("maintenance-base-setup", 1), new("maintenance-component-setup", 4)],
            QualifiedInvoiceRequested = true,
        });

        Assert.Equal(45_000 + 100_000 + 200_000 + 50_000 + 40_000 + 400, invoice.Subtotal);
        Assert.Equal("§49", invoice.Lines.Single(l => l.Code == "qualified-invoice-fee").Clause);
        Assert.Equal(43_540, invoice.Tax);
    }

    [Fact]
    public void UnknownSetupItem_IsRefusedListingTheKnownOnes() =>
        Assert.Contains("cloud-base-setup", Assert.Throws<ContractRuleException>(() => Bill(Ntt() with { SetupItems = [new("data-migration", 1)] })).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("2026-11-30", "2026-12-15", 0, true)]    // paid on the 15th day after the due date: waived
    [InlineData("2026-11-30", "2026-12-16", 15, false)]  // the 16th day: 15 days of interest
    [InlineData("2026-12-31", "2027-01-19", 0, true)]    // 12-31 is a bank holiday: due 01-04 (民法 §142), so the 15 days run 01-05 … 01-19
    [InlineData("2026-12-31", "2027-01-20", 15, false)]
    [InlineData("2027-12-31", "2028-03-01", 56, false)]  // due 2028-01-04: Jan 5–31 + Feb 1–29
    public void LateInterest_15DayWaiver(string due, string paid, int days, bool waived)
    {
        var result = BillingCatalog.For(ProductCode.NttEastAwsOps).LateInterest.Compute(1_000_000, D(due), D(paid));

        Assert.Equal(waived, result.Waived);
        Assert.Equal(waived ? 0 : (long)(1_000_000m * 0.145m * days / 365), result.Interest);
        Assert.Equal("§19", result.Clause);
    }
}
