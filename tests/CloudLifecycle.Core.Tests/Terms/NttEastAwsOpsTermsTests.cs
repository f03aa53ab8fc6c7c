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
        Assert.Equal(D("2027-01-04"), dues[0]); // November charges: invoiced in December, due by its end; 12-31 is a bank holiday (民法 §142)
        Assert.Equal(D("2027-04-30"), dues[^1]);
        Assert.Equal(5, dues.Count);
        Assert.Contains(plan.Milestones, m => m.Kind == MilestoneKind.DataDeletionDeadline && m.Clause == "§40-2");
    }

    [Theory]
    [InlineData("late-interest-waiver", "2026-11-30", "2026-12-15", "§19")]      // 「支払期日の翌日から起算して15日以内」: 12-01 … 12-15
    [InlineData("late-interest-waiver", "2026-12-31", "2027-01-19", "§19")]      // counted from the moved due date 01-04
    [InlineData("nonpayment-suspension", "2026-11-30", "2026-12-01", "§34-1(1)")]
    [InlineData("discontinuation", "2026-11-30", "2026-12-01", "§14-2")]
    [InlineData("provider-termination", "2026-11-30", "2026-12-01", "§16")]
    public void QuoteDeadline_Rules(string rule, string from, string expected, string clause)
    {
        var quote = Terms.QuoteDeadline(rule, D(from));

        Assert.Equal((D(expected), clause), (quote.Date, quote.Clause));
    }

    [Fact]
    public void ValidateProviderEnd_Discontinuation_EndsOnTheStatedDayAfterTheNotice()
    {
        Assert.Equal(D("2027-03-31"), Terms.ValidateProviderEnd("discontinuation", D("2026-11-30"), D("2027-03-31")).End);
        Assert.Equal(("endDate", "§14-2"), Assert.Throws<ContractRuleException>(() => Terms.ValidateProviderEnd("discontinuation", D("2026-11-30"), D("2026-11-30"))) is var e ? (e.Field, e.Clause) : default);
    }

    [Fact]
    public void QuoteDeadline_UnknownRule_IsRefused() =>
        Assert.Equal("rule", Assert.Throws<ContractRuleException>(() => Terms.QuoteDeadline("cure", D("2026-11-10"))).Field);

    [Fact]
    public void QuoteExtension_IsNotPartOfTheseTerms() =>
        Assert.Equal("product", Assert.Throws<ContractRuleException>(() => Terms.QuoteExtension(new ContractDates(D("2026-10-15")))).Field);
}
