using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using CloudLifecycle.Core.Time;
using CsCheck;
using NodaTime;

using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Terms;

public class EclectAwsTermsTests
{
    private static readonly EclectAwsTerms Terms = new();

    [Theory]
    [InlineData("2026-03-20", "2026-03-20")] // terms.md §26 examples
    [InlineData("2026-03-21", "2026-04-20")]
    [InlineData("2026-03-01", "2026-03-20")]
    [InlineData("2026-03-31", "2026-04-20")]
    [InlineData("2026-12-25", "2027-01-20")] // year wrap
    [InlineData("2028-02-29", "2028-03-20")]
    [InlineData("2026-01-31", "2026-02-20")]
    public void FirstTermEnd_SplitsOnThe20th(string signing, string expected) =>
        Assert.Equal(D(expected), EclectAwsTerms.FirstTermEnd(D(signing)));

    /// <summary>Every example in terms.md §27-1 (notice → requested → effective).</summary>
    [Theory]
    [InlineData("2026-06-10", "2026-07-20", "2026-07-20")]
    [InlineData("2026-06-15", "2026-07-20", "2026-07-20")]
    [InlineData("2026-06-16", "2026-07-20", "2026-08-20")]
    [InlineData("2026-06-25", "2026-07-20", "2026-08-20")]
    [InlineData("2026-06-10", "2026-06-20", "2026-08-20")]
    [InlineData("2026-06-10", "2026-12-20", "2026-12-20")]
    [InlineData("2026-06-20", "2026-07-20", "2026-08-20")] // exactly a month, but after the 15th
    [InlineData("2026-11-15", "2026-12-20", "2026-12-20")]
    [InlineData("2026-11-16", "2026-12-20", "2027-01-20")] // year wrap
    [InlineData("2026-12-31", "2027-01-20", "2027-02-20")]
    [InlineData("2027-01-31", "2027-02-20", "2027-03-20")]
    [InlineData("2028-02-29", "2028-03-20", "2028-04-20")]
    public void QuoteCancellation_WorkedExamples(string notice, string requested, string effective)
    {
        var quote = Terms.QuoteCancellation(new ContractDates(D("2026-01-05")), D(notice), D(requested));

        Assert.Equal(D(effective), quote.EffectiveDate);
        Assert.Equal("§27-1", quote.Clause);
        Assert.Equal(quote.EffectiveDate == D(requested), quote.NoticeOnTime);
    }

    [Fact]
    public void QuoteCancellation_IssueExample_ReportsTheMissedDeadline()
    {
        var quote = Terms.QuoteCancellation(new ContractDates(D("2026-03-25")), D("2026-06-16"), D("2026-07-20"));

        Assert.Equal(D("2026-08-20"), quote.EffectiveDate);
        Assert.Equal(D("2026-06-15"), quote.NoticeDeadline);
        Assert.False(quote.NoticeOnTime);
        Assert.Equal(0, quote.RemainingMonths);
        Assert.Contains("2026-06-15", quote.Explanation.En, StringComparison.Ordinal);
    }

    [Fact]
    public void QuoteCancellation_RequestedDateNotA20th_IsRefusedNamingFieldAndClause()
    {
        var error = Assert.Throws<ContractRuleException>(() =>
            Terms.QuoteCancellation(new ContractDates(D("2026-03-25")), D("2026-06-10"), D("2026-07-31")));

        Assert.Equal("requested", error.Field);
        Assert.Equal("§27-1", error.Clause);
    }

    [Fact]
    public void QuoteCancellation_NoticeBeforeStart_IsRefused()
    {
        var error = Assert.Throws<ContractRuleException>(() =>
            Terms.QuoteCancellation(new ContractDates(D("2026-03-25")), D("2026-03-24"), D("2026-07-20")));

        Assert.Equal("notice", error.Field);
    }

    [Fact]
    public void QuoteCancellation_RequestedBeforeNotice_IsRefused() =>
        Assert.Equal("requested", Assert.Throws<ContractRuleException>(() =>
            Terms.QuoteCancellation(new ContractDates(D("2026-03-25")), D("2026-06-25"), D("2026-06-20"))).Field);

    [Fact]
    public void CancellationDate_ForEveryNoticeAndRequested20th_HoldsTheClause() =>
        Gen.Select(Generators.Date, Gen.Int[0, 40]).Sample((notice, monthsAhead) =>
        {
            var requested = notice.ToYearMonth().PlusMonths(monthsAhead).OnDayOfMonth(20);
            if (requested < notice)
            {
                return;
            }

            var (effective, _) = EclectAwsTerms.CancellationDate(notice, requested);

            Assert.Equal(20, effective.Day);                                 // always a 20th
            Assert.False(CivilPeriod.LessThanOneMonth(notice, effective));   // never less than a month after the notice
            Assert.True(effective >= requested);                             // never before the requested date
            Assert.True(notice <= EclectAwsTerms.NoticeDeadline(effective)); // the notice meets its deadline
            if (notice <= EclectAwsTerms.NoticeDeadline(requested) && !CivilPeriod.LessThanOneMonth(notice, requested))
            {
                Assert.Equal(requested, effective);                         // a timely request is honoured as asked
            }
        }, iter: Generators.Iterations);

    [Fact]
    public void Plan_OpenEnded_RenewsEveryMonthWithADeadlineOnThe15th()
    {
        var plan = Terms.Plan(new ContractDates(D("2026-03-25")), D("2026-08-31"));

        var termEnds = plan.Milestones.Where(m => m.Kind == MilestoneKind.TermEnd).Select(m => m.Date);
        var deadlines = plan.Milestones.Where(m => m.Kind == MilestoneKind.CancellationNoticeDeadline).Select(m => m.Date);
        Assert.Equal([D("2026-04-20"), D("2026-05-20"), D("2026-06-20"), D("2026-07-20"), D("2026-08-20")], termEnds);
        Assert.Equal([D("2026-04-15"), D("2026-05-15"), D("2026-06-15"), D("2026-07-15")], deadlines.Where(d => d <= D("2026-07-31")));
        Assert.Equal(D("2026-06-01"), plan.Milestones.First(m => m.Kind == MilestoneKind.PaymentDue).Date); // March usage, due end of May (§16-2): Sunday 05-31 → Monday 06-01 (民法 §142)
        Assert.Equal(D("2026-04-30"), plan.Milestones.First(m => m.Kind == MilestoneKind.InvoiceDeadline).Date);
    }

    [Fact]
    public void Plan_WithCancellation_EndsThereWithDataDeletion()
    {
        var plan = Terms.Plan(new ContractDates(D("2026-03-25"), End: D("2026-07-20")));

        Assert.Single(plan.Milestones, m => m.Kind == MilestoneKind.CancellationEffective && m.Date == D("2026-07-20"));
        Assert.Single(plan.Milestones, m => m.Kind == MilestoneKind.CancellationNoticeDeadline && m.Date == D("2026-06-15"));
        Assert.Single(plan.Milestones, m => m.Kind == MilestoneKind.DataDeletionDeadline && m.Clause == "§27-3");
        Assert.DoesNotContain(plan.Milestones, m => m.Kind == MilestoneKind.TermEnd && m.Date >= D("2026-07-20"));
        Assert.Equal(D("2026-09-30"), plan.Milestones[^1].Date); // July usage paid by the end of September
    }

    [Fact]
    public void Plan_EndNotA20th_IsRefused() =>
        Assert.Equal("end", Assert.Throws<ContractRuleException>(() => Terms.Plan(new ContractDates(D("2026-03-25"), D("2026-07-31")))).Field);

    /// <summary>
    /// Defect 8: 「7日を経過しても」 — the notice's day is not counted, so a notice on 12-28 leaves 12-29 … 01-04
    /// to cure and allows termination from 01-05; the field, the period's last day and the sentence agree.
    /// </summary>
    [Theory]
    [InlineData("2026-12-28", "2027-01-04", "2027-01-05")]
    [InlineData("2026-11-10", "2026-11-17", "2026-11-18")]
    [InlineData("2028-02-25", "2028-03-03", "2028-03-04")] // across a leap day
    public void QuoteDeadline_Cure_LastCureDayThenTermination(string notice, string lastCureDay, string terminationFrom)
    {
        var quote = Terms.QuoteDeadline("cure", D(notice));

        Assert.Equal(D(terminationFrom), quote.Date);
        Assert.Equal(D(lastCureDay), quote.PeriodLastDay);
        Assert.Equal("§28-1(2)", quote.Clause);
        Assert.Contains($"the last day to cure is {lastCureDay}", quote.Explanation.En, StringComparison.Ordinal);
        Assert.Contains($"termination is possible from {terminationFrom}", quote.Explanation.En, StringComparison.Ordinal);
        Assert.Contains($"{terminationFrom}から解除できます", quote.Explanation.Ja, StringComparison.Ordinal);
    }

    /// <summary>Defect 1: §30-2 「終了する２５日前までに」 read from the notice: the earliest end is notice + 25 days, any day of the month.</summary>
    [Theory]
    [InlineData("2026-11-14", "2026-12-09")]
    [InlineData("2026-11-20", "2026-12-15")]
    [InlineData("2027-02-10", "2027-03-07")]
    public void QuoteDeadline_Discontinuation_FromTheNotice_IsTheEarliestEnd(string notice, string earliestEnd)
    {
        var quote = Terms.QuoteDeadline("discontinuation", D(notice));

        Assert.Equal(D(earliestEnd), quote.Date);
        Assert.True(quote.Date > quote.From);
        Assert.Equal("§30-2", quote.Clause);
    }

    [Theory]
    [InlineData("2026-12-20", "2026-11-25")]
    [InlineData("2027-03-31", "2027-03-06")]
    public void QuoteNoticeDeadline_Discontinuation_FromTheEnd_IsTheLastNoticeDay(string end, string lastNotice)
    {
        var quote = Terms.QuoteNoticeDeadline("discontinuation", D(end));

        Assert.Equal(D(lastNotice), quote.Date);
        Assert.Equal("§30-2", quote.Clause);
    }

    [Theory]
    [InlineData("2026-11-14", "2026-12-09")] // exactly 25 days
    [InlineData("2026-11-20", "2026-12-31")] // any day, not only a 20th
    [InlineData("2026-11-20", "2027-01-20")]
    public void ValidateProviderEnd_Discontinuation_TheStatedEndStands(string notice, string end) =>
        Assert.Equal(D(end), Terms.ValidateProviderEnd("discontinuation", D(notice), D(end)).End);

    [Theory]
    [InlineData("2026-11-14", "2026-12-08")]
    [InlineData("2026-11-14", "2026-10-20")] // the old code's answer: before the notice
    public void ValidateProviderEnd_Discontinuation_TooEarly_IsRefusedNaming302(string notice, string end)
    {
        var error = Assert.Throws<ContractRuleException>(() => Terms.ValidateProviderEnd("discontinuation", D(notice), D(end)));

        Assert.Equal(("endDate", "§30-2"), (error.Field, error.Clause));
    }

    [Fact]
    public void Discontinuation_ReadBothWays_Agrees() =>
        Generators.Date.Sample(notice =>
        {
            var earliest = Terms.QuoteDeadline("discontinuation", notice).Date;

            Assert.Equal(notice, Terms.QuoteNoticeDeadline("discontinuation", earliest).Date);
            Assert.Equal(earliest, Terms.ValidateProviderEnd("discontinuation", notice, earliest).End);
            Assert.Throws<ContractRuleException>(() => Terms.ValidateProviderEnd("discontinuation", notice, earliest.PlusDays(-1)));
        }, iter: Generators.Iterations);

    [Theory]
    [InlineData("nonpayment-suspension", "2026-11-30", "2026-12-01", "§21-1(1)")]
    [InlineData("nonpayment-termination", "2026-12-31", "2027-01-05", "§28-1(1)")] // due on a bank holiday: paid by 01-04, late from 01-05
    [InlineData("acceleration", "2027-01-10", "2027-01-12", "§28-4")]              // terminated on a Sunday before 成人の日: due the next bank day
    [InlineData("acceleration", "2027-01-12", "2027-01-12", "§28-4")]
    public void QuoteDeadline_NonPaymentRules(string rule, string from, string expected, string clause)
    {
        var quote = Terms.QuoteDeadline(rule, D(from));

        Assert.Equal((D(expected), clause), (quote.Date, quote.Clause));
    }

    [Fact]
    public void QuoteNoticeDeadline_ARuleWithoutReverse_IsRefused() =>
        Assert.Equal("end", Assert.Throws<ContractRuleException>(() => Terms.QuoteNoticeDeadline("cure", D("2027-01-05"))).Field);

    [Theory]
    [InlineData("2026-10", "2027-01-04")] // §16-2: 2026-12-31 is a bank holiday (12/31–1/3): the next bank business day
    [InlineData("2026-09", "2026-11-30")]
    [InlineData("2027-01", "2027-03-31")]
    [InlineData("2027-03", "2027-05-31")]
    [InlineData("2026-08", "2026-11-02")] // Saturday 10-31 → Monday 11-02
    public void PaymentDueDate_MovesOffBankHolidays(string month, string expected) =>
        Assert.Equal(D(expected), Terms.PaymentDueDate(YM(month)));
}
