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
        Assert.Equal(D("2026-05-31"), plan.Milestones.First(m => m.Kind == MilestoneKind.PaymentDue).Date); // March usage, due end of May (§16-2)
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

    [Theory]
    [InlineData("cure", "2026-11-10", "2026-11-17", "§28-1(2)")]
    [InlineData("discontinuation", "2027-03-31", "2027-03-06", "§30-2")]
    public void QuoteDeadline_ProviderRules(string rule, string from, string expected, string clause)
    {
        var quote = Terms.QuoteDeadline(rule, D(from));

        Assert.Equal(D(expected), quote.Date);
        Assert.Equal(clause, quote.Clause);
    }
}
