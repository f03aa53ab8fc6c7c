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
    [InlineData("2026-04-01", "2026-08-01", "2026-10-15", "2026-10-15", true, 5, "§28")]
    [InlineData("2026-04-01", "2026-12-01", "2027-01-31", "2027-01-31", true, 2, "§28")]
    [InlineData("2026-04-01", "2027-01-30", "2027-03-31", "2027-03-31", true, 0, "§11-1")]  // defect 10: ending at the minimum term's expiry: one month before (02-28), not §28's 01-29
    [InlineData("2026-04-01", "2027-02-28", "2027-03-31", "2027-03-31", true, 0, "§11-1")]  // the plan's declaration deadline itself
    [InlineData("2026-04-01", "2027-03-01", "2027-03-31", "2027-04-30", false, 0, "§11-1")] // one day late: the next expiry, whose declaration deadline (03-31) it meets
    [InlineData("2026-04-01", "2027-02-01", "2027-04-30", "2027-04-30", true, 0, "§11-1")]  // an extension month's expiry
    [InlineData("2026-04-01", "2027-02-01", "2027-04-15", "2027-04-15", true, 0, "§28")]    // not an expiry: §28, 60 days before is Sunday 02-14 → Friday 02-12
    [InlineData("2026-04-01", "2027-02-20", "2027-04-15", "2027-04-23", false, 0, "§28")]   // missed: 04-21/04-22 fall back to 02-19; 04-23's deadline is Monday 02-22
    [InlineData("2026-04-15", "2026-08-01", "2026-10-15", "2026-10-15", true, 6, "§28")] // term ends 2027-04-14: November to April
    public void QuoteCancellation(string start, string notice, string desired, string effective, bool onTime, int remaining, string clause)
    {
        var quote = Neutrix.QuoteCancellation(new ContractDates(D(start)), D(notice), D(desired));

        Assert.Equal(D(effective), quote.EffectiveDate);
        Assert.Equal(onTime, quote.NoticeOnTime);
        Assert.Equal(remaining, quote.RemainingMonths);
        Assert.Equal(clause, quote.Clause);
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
        Gen.Select(Generators.Date, Generators.Days(400), Generators.Days(400)).Sample((start, afterStart, ahead) =>
        {
            var notice = start.PlusDays(afterStart);
            var requested = notice.PlusDays(ahead);
            var effective = Neutrix.EarliestCancellationDate(start, notice, requested);

            Assert.True(effective >= requested);
            Assert.True(notice <= Neutrix.NoticeDeadline(start, effective).Deadline);
            Assert.True(effective == requested || Neutrix.NoticeDeadline(start, effective.PlusDays(-1)).Deadline < notice);
        }, iter: Generators.Iterations);

    /// <summary>
    /// Defect 10: the plan (and its reminders) name the last day to declare an end at each term's
    /// expiry; the quote for that expiry must call a notice on that day on time, and one a day later not.
    /// </summary>
    [Fact]
    public void PlanDeclarationDeadline_IsOnTimeInTheQuote_ForEveryStart() =>
        Gen.Select(Generators.Date, Gen.Int[0, 3]).Sample((start, extension) =>
        {
            var contract = new ContractDates(start);
            var plan = Neutrix.Plan(contract, start.PlusYears(1).PlusMonths(5));
            var expiry = OptageTerms.TermExpiries(start, start.PlusYears(2)).ElementAt(extension);
            var declaration = plan.Milestones.Single(m => m.Kind == MilestoneKind.RenewalDeclarationDeadline && m.Description.En.Contains($"{expiry:uuuu-MM-dd}", StringComparison.Ordinal));

            var onTime = Neutrix.QuoteCancellation(contract, declaration.Date, expiry);
            Assert.True(onTime.NoticeOnTime);
            Assert.Equal(expiry, onTime.EffectiveDate);
            Assert.Equal(declaration.Date, onTime.NoticeDeadline);
            Assert.Equal(declaration.Clause, onTime.Clause);
            Assert.Equal(0, onTime.RemainingMonths);

            var late = Neutrix.QuoteCancellation(contract, declaration.Date.PlusDays(1), expiry);
            Assert.False(late.NoticeOnTime);
            Assert.True(late.EffectiveDate > expiry);
        }, iter: 1_000);

    [Fact]
    public void Plan_EndAtTheMinimumTermsExpiry_HasTheDeclarationDeadlineAsItsNoticeDeadline()
    {
        var plan = Neutrix.Plan(new ContractDates(D("2026-04-01"), D("2027-03-31")));

        var deadline = plan.Milestones.Single(m => m.Kind == MilestoneKind.CancellationNoticeDeadline);
        Assert.Equal((D("2027-02-28"), "§11-1"), (deadline.Date, deadline.Clause));
        Assert.DoesNotContain(plan.Milestones, m => m.Kind == MilestoneKind.EarlyTerminationCharge);
    }

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

    /// <summary>Defect 8's class: periods after an event leave the event's day out (初日不算入) and the consequence follows the period's last day.</summary>
    [Theory]
    [InlineData("application-timeout", "2026-04-01", "2026-06-01", "2026-05-31", "§8")]  // 60 days: 04-02 … 05-31 to answer; deemed rejected from 06-01
    [InlineData("deemed-notice", "2026-11-01", "2026-12-02", "2026-12-01", "§5-3")]      // 30 days: 11-02 … 12-01; the service may stop from 12-02
    [InlineData("provider-termination", "2026-11-30", "2026-12-30", null, "§29-3")]       // 「30日前の通知」: ends 12-30 at the earliest
    [InlineData("nonpayment-suspension", "2026-11-30", "2026-12-01", "2026-11-30", "§18-1(1)")]
    [InlineData("nonpayment-suspension", "2027-01-31", "2027-02-02", "2027-02-01", "§18-1(1)")] // due on a Sunday: pays by Monday 02-01
    public void QuoteDeadline_Rules(string rule, string from, string expected, string? periodLastDay, string clause)
    {
        var quote = OptageTerms.Storage.QuoteDeadline(rule, D(from));

        Assert.Equal(D(expected), quote.Date);
        Assert.Equal(periodLastDay is null ? null : D(periodLastDay), quote.PeriodLastDay);
        Assert.Equal(clause, quote.Clause);
        if (quote.PeriodLastDay is { } last)
        {
            Assert.Contains(last.ToString("uuuu-MM-dd", null), quote.Explanation.En, StringComparison.Ordinal);
        }
    }

    /// <summary>Defect 3: a posting only says when customers count as notified; the end is the stop date the notice states (§5-2).</summary>
    [Theory]
    [InlineData("deemed-notice", "2026-11-01", "2027-03-31")]
    [InlineData("deemed-notice", "2026-11-01", "2026-12-02")]
    [InlineData("provider-termination", "2026-11-30", "2026-12-30")]
    [InlineData("provider-termination", "2026-11-30", "2027-02-15")]
    public void ValidateProviderEnd_TheStatedEndStands(string rule, string notice, string end)
    {
        var quote = OptageTerms.Neutrix.ValidateProviderEnd(rule, D(notice), D(end));

        Assert.Equal(D(end), quote.End);
        Assert.True(quote.EarliestEnd <= quote.End);
    }

    [Theory]
    [InlineData("deemed-notice", "2026-11-01", "2026-12-01", "§5-3")] // the posting counts as notified only once 12-01 has passed
    [InlineData("provider-termination", "2026-11-30", "2026-12-29", "§29-3")]
    public void ValidateProviderEnd_TooEarly_IsRefusedNamingTheClause(string rule, string notice, string end, string clause)
    {
        var error = Assert.Throws<ContractRuleException>(() => OptageTerms.Neutrix.ValidateProviderEnd(rule, D(notice), D(end)));

        Assert.Equal(("endDate", clause), (error.Field, error.Clause));
    }

    [Fact]
    public void ValidateProviderEnd_ARuleThatEndsNothing_IsRefused() =>
        Assert.Equal("rule", Assert.Throws<ContractRuleException>(() => OptageTerms.Neutrix.ValidateProviderEnd("application-timeout", D("2026-11-01"), D("2027-01-01"))).Field);

    [Fact]
    public void ProviderEndRules_ReadBothWays_Agree() =>
        Gen.Select(Generators.Date.Where(d => d.Year > 2001), Gen.Bool.Select(posted => posted ? "deemed-notice" : "provider-termination")).Sample((end, rule) =>
        {
            var lastNotice = OptageTerms.Storage.QuoteNoticeDeadline(rule, end).Date;

            Assert.Equal(end, OptageTerms.Storage.ValidateProviderEnd(rule, lastNotice, end).EarliestEnd);
            Assert.Throws<ContractRuleException>(() => OptageTerms.Storage.ValidateProviderEnd(rule, lastNotice.PlusDays(1), end));
        }, iter: Generators.Iterations);

    [Theory]
    [InlineData("2026-10", 1, "2026-11-30")] // a Monday
    [InlineData("2026-11", 1, "2027-01-04")] // 12-31 and 1/1–1/3 bank holidays
    [InlineData("2026-12", 1, "2027-02-01")] // Sunday 01-31
    [InlineData("2026-10", 2, "2027-01-04")]
    public void PaymentDueDate_MovesOffBankHolidays(string month, int monthsAfter, string expected)
    {
        Assert.Equal(D(expected), OptageTerms.PaymentDueDate(YM(month), monthsAfter));
        if (monthsAfter == 1)
        {
            Assert.Equal(D(expected), OptageTerms.Neutrix.PaymentDueDate(YM(month)));
        }
    }

    private static bool IsWeekendOrHoliday(LocalDate date) =>
        date.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday || JapaneseHolidays.IsHoliday(date);
}
