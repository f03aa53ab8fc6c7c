using CloudLifecycle.Core.Calendars;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using CsCheck;
using NodaTime;

using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Terms;

public class OptageTermsTests
{
    private static readonly OptageTerms Neutrix = OptageTerms.Neutrix;

    [Theory]
    [InlineData("2026-04-01", "2027-03-31")]
    [InlineData("2026-04-15", "2027-04-14")]
    [InlineData("2024-02-29", "2025-02-28")]
    [InlineData("2026-01-31", "2027-01-30")]
    public void MinimumTermEnd_OneYear(string start, string expected) =>
        Assert.Equal(D(expected), OptageTerms.MinimumTermEnd(D(start)));

    [Theory]
    [InlineData("2027-03-31", "2027-04-30")]
    [InlineData("2027-04-30", "2027-05-31")]
    [InlineData("2027-01-30", "2027-02-28")]
    [InlineData("2027-02-28", "2027-03-31")]
    [InlineData("2027-04-14", "2027-05-14")]
    public void NextExtensionEnd_OneMonth(string termEnd, string expected) =>
        Assert.Equal(D(expected), OptageTerms.NextExtensionEnd(D(termEnd)));

    [Theory]
    [InlineData("2027-03-31", "2027-02-28")]
    [InlineData("2027-04-30", "2027-03-31")]
    [InlineData("2027-04-14", "2027-03-14")]
    public void RenewalDeclarationDeadline_OneMonthBeforeExpiry(string termEnd, string expected) =>
        Assert.Equal(D(expected), OptageTerms.RenewalDeclarationDeadline(D(termEnd)));

    [Theory]
    [InlineData("2027-06-30", "2027-04-30")] // 60 days before is Saturday 5/1: Friday 4/30
    [InlineData("2027-03-31", "2027-01-29")] // Saturday 1/30 → Friday 1/29
    [InlineData("2027-03-12", "2027-01-08")] // 成人の日 (Monday 1/11) → Friday 1/8
    [InlineData("2027-03-04", "2026-12-28")] // Sunday 1/3 → back over 1/1 and the year-end closure
    [InlineData("2026-12-01", "2026-10-02")] // a Friday: no move
    [InlineData("2027-02-28", "2026-12-30")] // a closure weekday: the original moves only Sat/Sun/holidays
    [InlineData("2026-06-30", "2026-05-01")] // May 1 on a Friday: likewise stays
    public void CancellationNoticeDeadline_60DaysMovedBackFromWeekendsAndHolidays(string desired, string expected) =>
        Assert.Equal(D(expected), Neutrix.CancellationNoticeDeadline(D(desired)));

    [Fact]
    public void CancellationNoticeDeadline_ForEveryDesiredDate_HoldsTheClause() =>
        Generators.Date.Sample(desired =>
        {
            var deadline = Neutrix.CancellationNoticeDeadline(desired);
            var sixtyBefore = desired.PlusDays(-60);

            Assert.True(deadline <= sixtyBefore);                         // at least 60 days before
            Assert.False(IsWeekendOrHoliday(deadline));                   // never a Saturday, Sunday or holiday
            if (deadline != sixtyBefore)
            {
                Assert.True(IsWeekendOrHoliday(sixtyBefore));             // it moved only for those days
                Assert.True(BusinessCalendars.Optage.IsBusinessDay(deadline)); // to an OPTAGE business day
                for (var d = deadline.PlusDays(1); d <= sixtyBefore; d = d.PlusDays(1))
                {
                    Assert.False(BusinessCalendars.Optage.IsBusinessDay(d)); // the preceding one
                }
            }
        }, iter: Generators.Iterations);

    [Theory]
    [InlineData("2026-04-01", "2026-08-01", "2026-10-15", "2026-10-15", true, 5)]
    [InlineData("2026-04-01", "2026-12-01", "2027-01-31", "2027-01-31", true, 2)]
    [InlineData("2026-04-01", "2027-01-30", "2027-03-31", "2027-04-02", false, 0)] // deadline 1/29 missed; 4/1's is 1/29 too (Sunday 1/31 moves back): 4/2
    [InlineData("2026-04-01", "2027-02-01", "2027-04-30", "2027-04-30", true, 0)]
    [InlineData("2026-04-15", "2026-08-01", "2026-10-15", "2026-10-15", true, 6)] // term ends 2027-04-14: November to April
    public void QuoteCancellation(string start, string notice, string desired, string effective, bool onTime, int remaining)
    {
        var quote = Neutrix.QuoteCancellation(new ContractDates(D(start)), D(notice), D(desired));

        Assert.Equal(D(effective), quote.EffectiveDate);
        Assert.Equal(onTime, quote.NoticeOnTime);
        Assert.Equal(remaining, quote.RemainingMonths);
        Assert.Equal("§28", quote.Clause);
        Assert.Equal(remaining == 0 ? null : "§11-2", quote.RemainingMonthsClause);
    }

    [Fact]
    public void QuoteCancellation_DeadlineOnAClosureDay_SaysSo()
    {
        var quote = Neutrix.QuoteCancellation(new ContractDates(D("2026-04-01")), D("2026-12-01"), D("2027-02-28"));

        Assert.Equal(D("2026-12-30"), quote.NoticeDeadline);
        Assert.Contains("年末年始", quote.Explanation.En, StringComparison.Ordinal);
    }

    [Fact]
    public void EarliestCancellationDate_AlwaysMeetsItsDeadline() =>
        Gen.Select(Generators.Date, Generators.Days(400)).Sample((notice, ahead) =>
        {
            var requested = notice.PlusDays(ahead);
            var effective = Neutrix.EarliestCancellationDate(notice, requested);

            Assert.True(effective >= requested);
            Assert.True(notice <= Neutrix.CancellationNoticeDeadline(effective));
            Assert.True(effective == requested || Neutrix.CancellationNoticeDeadline(effective.PlusDays(-1)) < notice);
        }, iter: Generators.Iterations);

    [Theory]
    [InlineData("2026-04-01", "2026-04")] // Wednesday, the 1st business day
    [InlineData("2026-04-02", "2026-05")] // the 2nd business day: the start month is free
    [InlineData("2027-01-04", "2027-01")] // the 1st business day after the year-end closure
    [InlineData("2027-01-05", "2027-02")]
    [InlineData("2026-05-02", "2026-05")] // a Saturday before OPTAGE's 1st business day (5/7)
    [InlineData("2026-05-07", "2026-05")]
    [InlineData("2026-05-08", "2026-06")]
    public void FirstResourceFeeMonth_NeutrixSecondBusinessDayRule(string start, string expected) =>
        Assert.Equal(YM(expected), Neutrix.FirstResourceFeeMonth(D(start)));

    [Fact]
    public void FirstResourceFeeMonth_StorageHasNoSuchRule() =>
        Assert.Equal(new YearMonth(2026, 4), OptageTerms.Storage.FirstResourceFeeMonth(D("2026-04-20")));

    [Fact]
    public void Plan_WithEarlyCancellation_ShowsDeadlineChargeAndDeletion()
    {
        var plan = Neutrix.Plan(new ContractDates(D("2026-04-01"), D("2026-10-15")));

        Assert.Contains(plan.Milestones, m => m.Kind == MilestoneKind.CancellationNoticeDeadline && m.Date == D("2026-08-14") && m.Clause == "§28");
        Assert.Contains(plan.Milestones, m => m.Kind == MilestoneKind.EarlyTerminationCharge && m.Clause == "§11-2" && m.Description.En.Contains('5'));
        Assert.Contains(plan.Milestones, m => m.Kind == MilestoneKind.DataDeletionDeadline && m.Date == D("2026-10-15"));
        Assert.DoesNotContain(plan.Milestones, m => m.Kind == MilestoneKind.MinimumTermEnd);
        Assert.Equal(D("2026-11-30"), plan.Milestones[^1].Date); // October charged (whole month), due at the end of November
    }

    [Fact]
    public void Plan_OpenEnded_ExtendsMonthlyWithDeclarationDeadlines()
    {
        var plan = Neutrix.Plan(new ContractDates(D("2026-04-01")), D("2027-06-30"));

        Assert.Equal([D("2027-02-28"), D("2027-03-31"), D("2027-04-30"), D("2027-05-31"), D("2027-06-30")],
            plan.Milestones.Where(m => m.Kind == MilestoneKind.RenewalDeclarationDeadline).Select(m => m.Date));
        Assert.Equal(D("2027-03-31"), plan.Milestones.Single(m => m.Kind == MilestoneKind.MinimumTermEnd).Date);
        Assert.Equal([D("2027-04-30"), D("2027-05-31"), D("2027-06-30")],
            plan.Milestones.Where(m => m.Kind == MilestoneKind.TermEnd).Select(m => m.Date));
    }

    [Theory]
    [InlineData("application-timeout", "2026-04-01", "2026-05-31", "§8")]
    [InlineData("deemed-notice", "2026-11-01", "2026-12-01", "§5-3")]
    [InlineData("provider-termination", "2026-11-30", "2026-12-30", "§29-3")]
    public void QuoteDeadline_Rules(string rule, string from, string expected, string clause)
    {
        var quote = OptageTerms.Storage.QuoteDeadline(rule, D(from));

        Assert.Equal(D(expected), quote.Date);
        Assert.Equal(clause, quote.Clause);
    }

    private static bool IsWeekendOrHoliday(LocalDate date) =>
        date.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday || JapaneseHolidays.IsHoliday(date);
}
