using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Core.Time;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Lifecycle.Decider;

/// <summary>
/// Issue 15 point 6: an invoice's 発行日 is the day it is actually issued — the round's today, never a deadline
/// ahead (eclect-aws §16-1), never before the contract was registered — and its due date follows its clause.
/// </summary>
public class IssueDateTests
{
    private static ContractRegistration Registration(string product, string start) => product switch
    {
        "eclect-aws" => Eclect(start: start),
        "nec-express5800" => Nec(start: start, end: "2028-03-31"),
        "ntt-east-aws-ops" => Ntt(start: start),
        "optage-neutrix" => Neutrix(start: start),
        _ => Storage(start: start),
    };

    private static Invoice IssueMonth(ContractState state, string month, string today)
    {
        var usage = state.Product == ProductCode.EclectAws ? new MonthUsage(YM(month), AwsUsageJpy: 100_000m)
            : state.Product == ProductCode.NecExpress5800 ? new MonthUsage(YM(month), Quantity: 10m)
            : state.Product == ProductCode.OptageNeutrix ? new MonthUsage(YM(month), ResourceFee: 50_000m)
            : null;
        if (usage is not null)
        {
            state = LifecycleDecider.Decide(state, new UsageRecorded(usage), D(today)).State;
        }

        var decision = LifecycleDecider.Decide(state, new InvoiceMonth(YM(month)), D(today));
        return decision.Commands.OfType<IssueInvoice>().First().Invoice;
    }

    [Fact]
    public void EclectAws_IssuedOnTheRunDay_NotOnTheSection16_1Deadline()
    {
        var state = Registered(Eclect(start: "2026-04-01"), "2026-04-01");

        var invoice = IssueMonth(state, "2026-10", "2026-11-26");

        Assert.Equal(D("2026-11-26"), invoice.IssueDate);   // the old code printed 2026-11-30, the §16-1 deadline ahead
        Assert.Equal(D("2027-01-04"), invoice.DueDate);     // §16-2 counts from the usage month: 12-31 → next bank day
        Assert.Contains(ContractPlan.Milestones(state, D("2026-12-31")), m => m.Date == D("2026-11-30") && m.Clause == "§16-1");
    }

    /// <summary>
    /// A contract registered on 11-26 whose usage started in June: its September invoice is issued that day (or on the
    /// registration day when a run dated earlier issues it), and the due date follows each clause from that day.
    /// </summary>
    [Theory]
    [InlineData("eclect-aws", "2026-11-26", "2026-11-26", "2026-11-30")]        // §16-2: 利用月の翌々月末日 (11-30) from the usage month
    [InlineData("nec-express5800", "2026-11-26", "2026-11-26", "2026-12-31")]   // §5-1: 請求書発行月の翌月末日 from the issue month; 12-31 is a bank holiday → 2027-01-04 below
    [InlineData("ntt-east-aws-ops", "2026-11-26", "2026-11-26", "2026-11-30")]  // 別紙2 備考: 請求書発行日の月末
    [InlineData("optage-neutrix", "2026-11-26", "2026-11-26", "2026-11-30")]    // 別表3-3, our policy: counted from the month before the issue month
    [InlineData("optage-storage", "2026-11-26", "2026-11-26", "2026-11-30")]
    [InlineData("optage-storage", "2026-11-02", "2026-11-26", "2026-11-30")]    // a run dated before the registration: issued on the registration day
    [InlineData("optage-neutrix", "2026-12-10", "2026-12-10", "2026-12-31")]    // 12-31 is a bank holiday → 2027-01-04 below
    public void LateRegisteredContract_IssuedOnTheDayItIsIssued_DueAsItsClauseCounts(string product, string runDay, string issue, string statedDue)
    {
        var state = Registered(Registration(product, "2026-06-01"), "2026-11-26");

        var invoice = IssueMonth(state, "2026-09", runDay);

        Assert.Equal(D(issue), invoice.IssueDate);
        Assert.Equal(PaymentDays.DueDate(D(statedDue)), invoice.DueDate);
        Assert.True(invoice.DueDate >= invoice.IssueDate);
    }

    [Fact]
    public void OnTimeInvoices_KeepTheDueDatesOfThePlan()
    {
        // Issued in the month after the charge month, every clause gives the milestone the plan shows.
        foreach (var (registration, today, due) in new[]
                 {
                     (Nec(start: "2026-04-01"), "2026-11-02", "2026-12-31"),      // §5-1 → 2027-01-04
                     (Ntt(start: "2026-04-10"), "2026-11-02", "2026-11-30"),
                     (Neutrix(start: "2026-04-01"), "2026-11-02", "2026-11-30"),
                 })
        {
            var state = Registered(registration, "2026-04-01");
            var invoice = IssueMonth(state, "2026-10", today);
            Assert.Equal(D(today), invoice.IssueDate);
            Assert.Equal(PaymentDays.DueDate(D(due)), invoice.DueDate);
        }
    }

    [Fact]
    public void LateInterest_IsDatedTheDayItIsIssued_NotTheDayThePaymentWasMade()
    {
        var state = Registered(Neutrix(), "2026-04-01");
        state = LifecycleDecider.Decide(state, new UsageRecorded(new MonthUsage(YM("2026-09"), ResourceFee: 100_000m)), D("2026-09-30")).State;
        state = LifecycleDecider.Decide(state, new InvoiceMonth(YM("2026-09")), D("2026-10-01")).State;
        var open = Assert.Single(state.OpenInvoices);

        // Paid 20 days late, recorded 5 days after the payment: the interest invoice is issued the day it is recorded.
        var paidOn = open.DueDate.PlusDays(20);
        var paid = LifecycleDecider.Decide(state, new PaymentReceived(open.Number, paidOn, open.Total), paidOn.PlusDays(5));

        var interest = Assert.Single(paid.Commands.OfType<IssueInvoice>()).Invoice;
        Assert.Equal(paidOn.PlusDays(5), interest.IssueDate);
    }

    [Fact]
    public void Billing_RefusesAnIssueDayBeforeTheMonthEnds_NamingTheField()
    {
        var input = CloudLifecycle.Core.Tests.Billing.BillingFixtures.Optage() with { IssuedOn = D("2026-10-31") };

        var refused = Assert.Throws<ContractRuleException>(() => BillingCatalog.For(input.Product).Invoice(input));

        Assert.Equal("issuedOn", refused.Field);
    }
}
