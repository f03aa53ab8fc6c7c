using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using CloudLifecycle.Core.Time;
using CsCheck;
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
    [InlineData("outage-application", "2026-04-15", "2026-05-19", null, "§11-1")] // Golden Week pushes the 10th business day; 「10営業日を経過する日」 is that day itself
    [InlineData("outage-application", "2026-11-20", "2026-12-14", null, "§11-1")]
    [InlineData("outage-qualifies", "2026-10-21", "2026-11-01", "2026-10-31", "§11-1")] // 10 days after the day NEC learned: 10-22 … 10-31
    [InlineData("cure", "2026-11-10", "2026-12-11", "2026-12-10", "§26-1(1)")]         // 「受領した後30日以内に…是正しないとき」: cure by 12-10, terminate from 12-11
    [InlineData("confidentiality-end", "2031-04-30", "2034-04-30", null, "§22-1")]
    [InlineData("confidentiality-end", "2029-02-28", "2032-02-29", null, "§22-1")]      // defect 7: from 2029-03-01, three years end on 2032-02-29
    [InlineData("confidentiality-end", "2028-02-29", "2031-02-28", null, "§22-1")]
    [InlineData("price-change", "2026-11-30", "2027-03-01", "2027-02-28", "§4-2")]      // defect 7: three whole months 12-01 … 02-28
    [InlineData("price-change", "2026-11-15", "2027-02-16", "2027-02-15", "§4-2")]
    [InlineData("nonpayment-suspension", "2026-12-31", "2027-01-05", "2027-01-04", "§19-1(1)")]
    [InlineData("equipment-loss-penalty-due", "2027-03-10", "2027-03-10", null, "§13")]          // 「直ちに」
    [InlineData("cancellation-charges-due", "2027-03-31", "2027-03-31", null, "§24-2")]          // 「解約日において…直ちに」
    [InlineData("false-statement-termination-due", "2027-03-10", "2027-04-30", null, "§25-2")]   // 「解除された月の翌月末日までに」
    [InlineData("false-statement-termination-due", "2026-11-10", "2027-01-04", null, "§25-2")]   // 12-31 is a bank holiday
    [InlineData("breach-termination-debts-due", "2027-03-10", "2027-03-10", null, "§26-3")]      // 「直ちにこれを弁済」
    [InlineData("breach-termination-penalty-due", "2027-03-10", "2027-04-30", null, "§26-3")]    // 「違約金として翌月に」
    [InlineData("antisocial-termination-due", "2027-03-13", "2027-03-15", null, "§28-5")]        // a Saturday: the next bank business day
    public void QuoteDeadline_Rules(string rule, string from, string expected, string? periodLastDay, string clause)
    {
        var quote = Terms.QuoteDeadline(rule, D(from));

        Assert.Equal(D(expected), quote.Date);
        Assert.Equal(periodLastDay is null ? null : D(periodLastDay), quote.PeriodLastDay);
        Assert.Equal(clause, quote.Clause);
    }

    /// <summary>§22-1 for every end date: the Civil Code's three years from the next day, never NodaTime's Plus(years).</summary>
    [Fact]
    public void ConfidentialityEnd_IsThreeYearsFromTheDayAfter_ForEveryDate() =>
        Generators.Date.Where(d => d.Year > 2001).Sample(end =>
        {
            var last = NecExpress5800Terms.ConfidentialityEnd(end);

            // 民法 §143-2: the period starts the day after the end and expires the day before the day
            // corresponding to that start three years later, or with the month's last day when there is none.
            var first = end.PlusDays(1);
            var target = new YearMonth(first.Year + 3, first.Month);
            var corresponding = first.Day <= target.Calendar.GetDaysInMonth(target.Year, target.Month)
                ? target.OnDayOfMonth(first.Day)
                : target.PlusMonths(1).OnDayOfMonth(1);
            Assert.Equal(corresponding, last.PlusDays(1));
            Assert.True(last >= end.PlusYears(3)); // never shorter than the naive count
            Assert.Equal(last, Terms.QuoteRemoval(new ContractDates(end.PlusDays(-2), end.PlusDays(-1), end)).ConfidentialityEnd);
        }, iter: Generators.Iterations);

    /// <summary>§4-2 for every notice date: three whole months lie between the notice and the new price, and not one day more.</summary>
    [Fact]
    public void PriceChange_LeavesThreeWholeMonths_ForEveryDate() =>
        Generators.Date.Sample(notice =>
        {
            var applies = NecExpress5800Terms.PriceChangeEarliestDate(notice);

            Assert.False(CivilPeriod.LastDayOfMonths(notice.PlusDays(1), 3) > applies.PlusDays(-1)); // the three months fit before it
            Assert.True(CivilPeriod.LastDayOfMonths(notice.PlusDays(1), 3) > applies.PlusDays(-2));  // a day earlier they would not
            var lastNotice = Terms.QuoteNoticeDeadline("price-change", applies).Date;                 // read backwards: the last notice day for that date
            Assert.True(lastNotice >= notice);
            Assert.Equal(applies, NecExpress5800Terms.PriceChangeEarliestDate(lastNotice));
        }, iter: Generators.Iterations);

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
