using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using NodaTime;

using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Terms;

public class NttEastAwsOpsTermsTests
{
    private static readonly NttEastAwsOpsTerms Terms = new();

    [Theory]
    [InlineData("2026-11-10", "2026-11-30", "2026-11-30")] // the requested date
    [InlineData("2026-11-10", "2026-11-10", "2026-11-10")]
    [InlineData("2026-11-10", "2026-11-01", "2026-11-10")] // requested earlier than arrival: the arrival date
    [InlineData("2026-12-31", "2027-03-31", "2027-03-31")]
    public void QuoteCancellation_RequestedDateOrArrival(string arrival, string requested, string effective)
    {
        var quote = Terms.QuoteCancellation(new ContractDates(D("2026-10-15")), D(arrival), D(requested));

        Assert.Equal(D(effective), quote.EffectiveDate);
        Assert.Null(quote.NoticeDeadline);
        Assert.Equal("§15-2", quote.Clause);
    }

    [Theory]
    [InlineData("2026-10-15", null, "2026-11")]
    [InlineData("2026-10-01", null, "2026-11")]
    [InlineData("2026-12-20", null, "2027-01")]
    [InlineData("2026-10-15", "2026-10-31", "2026-10")] // cancelled in the start month: that month is charged
    [InlineData("2026-10-15", "2026-11-01", "2026-11")]
    public void FirstChargedMonth_IsTheMonthAfterOperationsStart(string start, string? cancellation, string expected) =>
        Assert.Equal(YM(expected),
            NttEastAwsOpsTerms.FirstChargedMonth(D(start), cancellation is null ? null : D(cancellation)));

    [Fact]
    public void Plan_ChargesFromTheNextMonth_DueAtTheEndOfTheInvoiceMonth()
    {
        var plan = Terms.Plan(new ContractDates(D("2026-10-15"), D("2027-03-31")));

        Assert.Equal(D("2026-11-01"), plan.Milestones.Single(m => m.Kind == MilestoneKind.FirstChargedMonth).Date);
        var dues = plan.Milestones.Where(m => m.Kind == MilestoneKind.PaymentDue).Select(m => m.Date).ToList();
        Assert.Equal(D("2026-12-31"), dues[0]); // November charges: invoiced in December, due by its end
        Assert.Equal(D("2027-04-30"), dues[^1]);
        Assert.Equal(5, dues.Count);
        Assert.Contains(plan.Milestones, m => m.Kind == MilestoneKind.DataDeletionDeadline && m.Clause == "§40-2");
    }

    [Fact]
    public void QuoteDeadline_NoRules_IsRefused() =>
        Assert.Equal("rule", Assert.Throws<ContractRuleException>(() => Terms.QuoteDeadline("cure", D("2026-11-10"))).Field);

    [Fact]
    public void QuoteExtension_IsNotPartOfTheseTerms() =>
        Assert.Equal("product", Assert.Throws<ContractRuleException>(() => Terms.QuoteExtension(new ContractDates(D("2026-10-15")))).Field);
}
