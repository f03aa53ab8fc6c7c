using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Lifecycle.Decider;

/// <summary>
/// OPTAGE §29-3 (issue 12, defect 2): the provider ends the contract and pays three months of the fees in
/// force at the notice, tax excluded; §11-2's early-termination charge does not apply
/// (「専ら当社の責に帰すべき事由による場合を除きます」).
/// </summary>
public class ProviderPayoutTests
{
    /// <summary>optage-storage from 2026-05-01 (minimum term to 2027-04-30), November invoiced as a regular month.</summary>
    private static (ContractState State, Invoice November) WithNovemberInvoiced()
    {
        var state = Registered(Storage(), "2026-05-01");
        var november = LifecycleDecider.Decide(state, new InvoiceMonth(YM("2026-11")), D("2026-12-01"));
        return (november.State, Assert.Single(november.Commands.OfType<IssueInvoice>()).Invoice);
    }

    [Fact]
    public void ProviderTermination_InsideTheMinimumTerm_OwesTheCustomerThreeMonthsAndChargesNoEarlyTermination()
    {
        var (state, november) = WithNovemberInvoiced();
        var monthlyFees = november.Lines.Where(l => l.Code.StartsWith("managed-", StringComparison.Ordinal)).Sum(l => l.Amount);

        var notice = LifecycleDecider.Decide(state, new ProviderNoticeGiven("provider-termination", D("2026-12-01"), D("2027-01-31")), D("2026-12-01"));
        var december = LifecycleDecider.Decide(notice.State, new InvoiceMonth(YM("2026-12")), D("2027-01-04"));
        var january = LifecycleDecider.Decide(december.State, new InvoiceMonth(YM("2027-01")), D("2027-02-01"));

        var payout = Assert.Single(notice.Commands.OfType<IssueInvoice>()).Invoice;
        Assert.Equal(InvoiceKind.ProviderPayout, payout.Kind);
        Assert.Equal("INV-C-STO-202612-C1", payout.Number);
        var line = Assert.Single(payout.Lines);
        Assert.Equal(("provider-payout", -3 * monthlyFees, "§29-3", 0m), (line.Code, line.Amount, line.Clause, line.TaxRate));
        Assert.Equal((0L, -3 * monthlyFees), (payout.Tax, payout.Total));
        Assert.Equal(D("2027-01-31"), payout.DueDate);
        Assert.Equal(payout.Total, notice.Consequence.Amount);
        var finalLines = Assert.Single(january.Commands.OfType<IssueInvoice>()).Invoice.Lines;
        Assert.DoesNotContain(finalLines, l => l.Code == "early-termination");
    }

    [Fact]
    public void CustomerCancellationInsideTheMinimumTerm_StillOwesEarlyTermination()
    {
        var (state, _) = WithNovemberInvoiced();

        var cancelled = LifecycleDecider.Decide(state, new CancellationRequested(D("2026-12-01"), D("2027-01-31")), D("2026-12-01")).State;
        cancelled = LifecycleDecider.Decide(cancelled, new InvoiceMonth(YM("2026-12")), D("2027-01-04")).State;
        var january = LifecycleDecider.Decide(cancelled, new InvoiceMonth(YM("2027-01")), D("2027-02-01"));

        Assert.Contains(Assert.Single(january.Commands.OfType<IssueInvoice>()).Invoice.Lines, l => l.Code == "early-termination");
    }

    [Fact]
    public void Payout_IsOwedToTheCustomer_NeverChased_AndSettledWhenPaidOut()
    {
        var (state, _) = WithNovemberInvoiced();
        state = LifecycleDecider.Decide(state, new ProviderNoticeGiven("provider-termination", D("2026-12-01")), D("2026-12-01")).State;
        var credit = Assert.Single(state.OpenInvoices, i => i.Outstanding < 0);

        var chased = LifecycleDecider.Decide(state, new OverdueCheck(), credit.DueDate.PlusDays(40));
        var tooMuch = Assert.Throws<ContractRuleException>(() => LifecycleDecider.Decide(state, new PaymentReceived(credit.Number, credit.DueDate, -credit.Outstanding + 1), credit.DueDate));
        var paidOut = LifecycleDecider.Decide(state, new PaymentReceived(credit.Number, credit.DueDate, -credit.Outstanding), credit.DueDate);

        Assert.DoesNotContain(chased.Commands.OfType<EnqueueNotice>(), n => n.Notice.InvoiceNumber == credit.Number);
        Assert.Equal("amount", tooMuch.Field);
        Assert.DoesNotContain(paidOut.State.OpenInvoices, i => i.Number == credit.Number);
        Assert.Empty(paidOut.Commands.OfType<IssueInvoice>());
    }

    [Fact]
    public void OtherProvidersEnds_PayNothing()
    {
        var state = Registered(Eclect(), "2026-04-01");

        var decision = LifecycleDecider.Decide(state, new ProviderNoticeGiven("discontinuation", D("2026-11-14"), D("2026-12-09")), D("2026-11-14"));

        Assert.Empty(decision.Commands.OfType<IssueInvoice>());
        Assert.Equal(D("2026-12-09"), decision.State.Dates.End);
    }
}

/// <summary>eclect-aws §30-2 through the decider (issue 12, defect 1): the service ends on the day the provider states, any day, at least 25 days after the notice.</summary>
public class DiscontinuationTests
{
    [Fact]
    public void Discontinuation_OnANon20th_EndsAndClosesThereCitingSection30()
    {
        var state = Registered(Eclect(), "2026-04-01");

        var noticed = LifecycleDecider.Decide(state, new ProviderNoticeGiven("discontinuation", D("2026-11-20"), D("2026-12-26")), D("2026-11-20"));
        var closed = LifecycleDecider.Decide(noticed.State, new TimerFired(), D("2026-12-26"));

        Assert.Equal(D("2026-12-26"), noticed.Consequence.EffectiveDate);
        Assert.Equal("§30-2", noticed.Consequence.Clause);
        var close = Assert.Single(closed.Commands.OfType<CloseContract>());
        Assert.Equal((D("2026-12-26"), "§30-2"), (close.Date, close.Clause));
    }

    [Theory]
    [InlineData("2026-11-14", "2026-12-08")]
    [InlineData("2026-11-14", "2026-11-13")]
    public void Discontinuation_EndingSoonerThan25DaysAfterTheNotice_IsRefusedNamingSection30(string notice, string end)
    {
        var state = Registered(Eclect(), "2026-04-01");

        var refusal = Assert.Throws<ContractRuleException>(() => LifecycleDecider.Decide(state, new ProviderNoticeGiven("discontinuation", D(notice), D(end)), D(notice)));

        Assert.Equal(("statedDate", "§30-2"), (refusal.Field, refusal.Clause));
    }
}

public class ProviderEndPlanTests
{
    [Fact]
    public void ProviderTermination_PlansNoEarlyTerminationChargeAndNoCustomerNoticeDeadline()
    {
        var state = Registered(Storage(), "2026-05-01");

        var ended = LifecycleDecider.Decide(state, new ProviderNoticeGiven("provider-termination", D("2026-11-02"), D("2026-12-31")), D("2026-11-02")).State;

        var plan = Core.Lifecycle.Views.ContractOverview.Plan(ended);
        Assert.DoesNotContain(plan, m => m.Kind == Core.Contracts.MilestoneKind.EarlyTerminationCharge);
        Assert.DoesNotContain(plan, m => m.Kind == Core.Contracts.MilestoneKind.CancellationNoticeDeadline && m.Date > D("2026-11-02"));
    }
}

public class PayoutRenderingTests
{
    [Fact]
    public void PayoutStatement_SaysWhatWePay_AsAPositiveSum_NotAnInvoice()
    {
        var state = Registered(Storage(), "2026-05-01");
        var payout = Assert.Single(LifecycleDecider.Decide(state, new ProviderNoticeGiven("provider-termination", D("2026-11-02"), D("2026-12-31")), D("2026-11-02"))
            .Commands.OfType<IssueInvoice>()).Invoice;

        var html = Core.Billing.Rendering.InvoiceHtml.Render(payout);

        Assert.Contains("お支払通知書", html, StringComparison.Ordinal);
        Assert.DoesNotContain("請求書（適格請求書）", html, StringComparison.Ordinal);
        Assert.Contains($"当社からのお支払額: {Core.Billing.Rendering.InvoiceHtml.Yen(-payout.Total)}", html, StringComparison.Ordinal);
        Assert.Contains($"<td class=\"n total\">{Core.Billing.Rendering.InvoiceHtml.Yen(-payout.Total)}</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("消費税は税率ごとに", html, StringComparison.Ordinal); // nothing on it is taxed
    }
}
