using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using NodaTime;

using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Terms;

public class NecExpress5800TermsTests
{
    private static readonly NecExpress5800Terms Terms = new();
    private static readonly ContractDates FiveYears = new(D("2026-04-01"), D("2031-03-31"));

    [Theory]
    [InlineData("2031-03-31", "2030-02-28")] // issue example: 13 months before, February has no 31st
    [InlineData("2032-03-31", "2031-02-28")]
    [InlineData("2029-03-31", "2028-02-29")] // leap year
    [InlineData("2031-04-30", "2030-03-31")]
    [InlineData("2031-09-30", "2030-08-31")]
    [InlineData("2031-01-31", "2029-12-31")] // year wrap
    [InlineData("2031-04-14", "2030-03-14")]
    public void QuoteExtension_13MonthsBeforeTheEnd(string end, string deadline)
    {
        var quote = Terms.QuoteExtension(new ContractDates(D("2026-04-01"), D(end)));

        Assert.Equal(D(deadline), quote.Deadline);
        Assert.Equal("§2-3", quote.Clause);
    }

    [Theory]
    [InlineData("2026-12-01", "2027-03-15", "2027-03-31", true, 48)]  // exactly 90 days before 3/1
    [InlineData("2026-12-02", "2027-03-15", "2027-04-30", false, 47)] // one day late: the next month
    [InlineData("2026-06-30", "2026-10-01", "2026-10-31", true, 53)]
    [InlineData("2027-12-02", "2028-03-01", "2028-03-31", true, 36)]  // leap year: 2028-03-01 − 90 days = 2027-12-02
    [InlineData("2027-12-03", "2028-03-01", "2028-04-30", false, 35)]
    [InlineData("2030-12-01", "2031-03-01", "2031-03-31", true, 0)]   // the last month: nothing remains
    public void QuoteCancellation_90DaysBeforeTheMonth(string notice, string requested, string effective, bool onTime, int remaining)
    {
        var quote = Terms.QuoteCancellation(FiveYears, D(notice), D(requested));

        Assert.Equal(D(effective), quote.EffectiveDate);
        Assert.Equal(onTime, quote.NoticeOnTime);
        Assert.Equal(remaining, quote.RemainingMonths);
        Assert.Equal("§24-1", quote.Clause);
        Assert.Equal(remaining == 0 ? null : "§24-2", quote.RemainingMonthsClause);
    }

    [Fact]
    public void CancellationNoticeDeadline_Is90DaysBeforeTheFirstOfTheMonth() =>
        Assert.Equal(D("2026-12-01"), NecExpress5800Terms.CancellationNoticeDeadline(new YearMonth(2027, 3)));

    [Fact]
    public void QuoteCancellation_AfterTheUsagePeriod_IsRefused()
    {
        var error = Assert.Throws<ContractRuleException>(() => Terms.QuoteCancellation(FiveYears, D("2031-01-15"), D("2031-03-31")));

        Assert.Equal("requested", error.Field);
        Assert.Equal("§24-1", error.Clause);
    }

    [Fact]
    public void AnyQuote_WithoutUsagePeriodEnd_IsRefusedNamingTheClause()
    {
        var error = Assert.Throws<ContractRuleException>(() => Terms.QuoteExtension(new ContractDates(D("2026-04-01"))));

        Assert.Equal("end", error.Field);
        Assert.Equal("§2-2", error.Clause);
    }

    [Theory]
    [InlineData("2031-03-31", null, "2031-04-30", "2031-04-30", "2031-04-15", "2034-04-30")]
    [InlineData("2026-12-31", null, "2027-01-30", "2027-01-29", "2027-01-15", "2030-01-29")] // 1/30 is a Saturday
    [InlineData("2026-11-30", null, "2026-12-30", "2026-12-28", "2026-12-14", "2029-12-28")] // year-end closure
    [InlineData("2031-03-31", "2031-04-10", "2031-04-30", "2031-04-10", "2031-03-27", "2034-04-10")]
    public void QuoteRemoval_WindowAndSchedulingDeadline(string end, string? agreed, string deadline, string removal, string scheduling, string confidentiality)
    {
        var quote = Terms.QuoteRemoval(new ContractDates(D("2026-04-01"), D(end), agreed is null ? null : D(agreed)));

        Assert.Equal(D(deadline), quote.RemovalDeadline);
        Assert.Equal(D(removal), quote.RemovalDate);
        Assert.Equal(agreed is not null, quote.RemovalDateAgreed);
        Assert.Equal(D(scheduling), quote.SchedulingDeadline);
        Assert.Equal(D(confidentiality), quote.ConfidentialityEnd);
        Assert.Equal("§29-1", quote.Clause);
    }

    [Theory]
    [InlineData("2031-03-31")]
    [InlineData("2031-05-01")]
    public void QuoteRemoval_AgreedDateOutsideTheWindow_IsRefused(string agreed)
    {
        var error = Assert.Throws<ContractRuleException>(() => Terms.QuoteRemoval(FiveYears with { RemovalDate = D(agreed) }));

        Assert.Equal("removalDate", error.Field);
        Assert.Equal("§29-1", error.Clause);
    }

    [Theory]
    [InlineData("outage-application", "2026-04-15", "2026-05-19", "§11-1")] // Golden Week pushes the 10th business day
    [InlineData("outage-application", "2026-11-20", "2026-12-14", "§11-1")]
    [InlineData("cure", "2026-11-10", "2026-12-10", "§26-1(1)")]
    [InlineData("confidentiality-end", "2031-04-30", "2034-04-30", "§22-1")]
    [InlineData("price-change", "2026-11-30", "2027-02-28", "§4-2")]
    public void QuoteDeadline_Rules(string rule, string from, string expected, string clause)
    {
        var quote = Terms.QuoteDeadline(rule, D(from));

        Assert.Equal(D(expected), quote.Date);
        Assert.Equal(clause, quote.Clause);
    }

    [Fact]
    public void Plan_CarriesEveryContractualDate()
    {
        var plan = Terms.Plan(FiveYears);

        Assert.Equal(D("2030-02-28"), Single(plan, MilestoneKind.ExtensionDeadline).Date);
        Assert.Equal(D("2031-03-31"), Single(plan, MilestoneKind.UsagePeriodEnd).Date);
        Assert.Equal(D("2031-04-15"), Single(plan, MilestoneKind.RemovalSchedulingDeadline).Date);
        Assert.Equal(D("2031-04-30"), Single(plan, MilestoneKind.RemovalDeadline).Date);
        Assert.Equal(D("2034-04-30"), Single(plan, MilestoneKind.ConfidentialityEnd).Date);
        Assert.Equal(60, plan.Milestones.Count(m => m.Kind == MilestoneKind.PaymentDue));
        // §5-1: April's charges are invoiced in May and due by the end of June.
        Assert.Equal(D("2026-06-30"), plan.Milestones.First(m => m.Kind == MilestoneKind.PaymentDue).Date);
    }

    private static Milestone Single(LifecyclePlan plan, MilestoneKind kind) => Assert.Single(plan.Milestones, m => m.Kind == kind);
}
