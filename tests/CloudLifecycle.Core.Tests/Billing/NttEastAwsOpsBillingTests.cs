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
    public void OnePlanChangeInAMonth_BillsThePlanAfterTheChange()
    {
        // Issue 12 defect 4: advanced → entry on 10-15 with 3 components. 別紙2 第2表 (注): 「当該変更月はプラン変更後の月額料金」.
        var invoice = Bill(Ntt("2026-11") with { Plan = "entry", Components = 3, PlansDuringMonth = ["advanced", "entry"] });

        var line = invoice.Lines.Single(l => l.Code == "operations");
        Assert.Equal(15_000, line.Amount); // 3 × 5,000 (entry), not 3 × 30,000
        Assert.Equal("§35-1, 別紙2 第2表 注", line.Clause);
        Assert.Contains("変更後のプラン", line.Description.Ja, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "advanced", "standard", "entry" }, "entry", 120_000)]   // two changes: the dearest of the month (advanced, in force on the 1st)
    [InlineData(new[] { "entry", "advanced", "standard" }, "standard", 120_000)] // the dearest was in force mid-month only
    [InlineData(new[] { "entry", "standard", "entry" }, "entry", 60_000)]
    [InlineData(new[] { "advanced", "standard" }, "entry", 120_000)]             // the month-end plan completes the list: advanced → standard → entry
    public void SeveralPlanChangesInAMonth_BillTheDearestPlan(string[] plans, string monthEnd, long expected)
    {
        var invoice = Bill(Ntt() with { Plan = monthEnd, PlansDuringMonth = plans });

        var line = invoice.Lines.Single(l => l.Code == "operations");
        Assert.Equal(expected, line.Amount);
        Assert.Contains("注", line.Clause, StringComparison.Ordinal);
        Assert.Contains("dearest", line.Description.En, StringComparison.Ordinal);
    }

    [Fact]
    public void NoPlanChange_BillsThePlan()
    {
        var line = Bill(Ntt() with { PlansDuringMonth = ["standard"] }).Lines.Single(l => l.Code == "operations");

        Assert.Equal((60_000L, "§35-1, 別紙2 第2表"), (line.Amount, line.Clause));
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
    public void QualifiedInvoiceFee_NotChargedOnAMonthWithNoOtherCharge()
    {
        // Issue 12 defect 6: §49 charges ¥400 「1請求ごとに」; the start month (no setup items, operations
        // from the next month, §35-1) has nothing to invoice, so no invoice and no fee.
        var invoice = Bill(Ntt("2026-10") with { QualifiedInvoiceRequested = true });

        Assert.Empty(invoice.Lines);
        Assert.Equal(0, invoice.Total);
        Assert.Equal(400, Amount(Bill(Ntt() with { QualifiedInvoiceRequested = true }), "qualified-invoice-fee"));
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
