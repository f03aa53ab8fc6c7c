using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Core.Time;
using NodaTime;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Lifecycle;

public class LifecycleDeciderTests
{
    [Fact]
    public void Decide_Registered_AnnouncesKeyDatesWithClausesAndPlansTheFirstWakeUp()
    {
        var decision = LifecycleDecider.Decide(Nec().ToState(), new Registered(), D("2026-04-01"));

        var notice = Assert.Single(decision.Commands.OfType<EnqueueNotice>()).Notice;
        Assert.Equal(NoticeKind.Registered, notice.Kind);
        Assert.Contains(notice.Facts, f => f.Value == "2027-02-28" && f.Clause == "§2-3");
        Assert.Contains(notice.Facts, f => f.Value == "2028-03-31" && f.Clause == "§2-2");
        Assert.Equal(D("2026-06-30"), decision.State.NextWake); // the first payment due date (§5-1)
        Assert.Equal(1, decision.State.Version);
    }

    [Theory]
    [InlineData("2026-11-30", 90)]
    [InlineData("2027-01-29", 30)]
    [InlineData("2027-02-21", 7)]
    public void Decide_TimerOnAReminderDay_RemindsOfTheExtensionDeadline(string today, int lead)
    {
        var state = Registered(Nec(), "2026-04-01") with { ProcessedThrough = D(today).PlusDays(-1) };

        var decision = LifecycleDecider.Decide(state, new TimerFired(), D(today));

        var reminder = Assert.Single(decision.Commands.OfType<EnqueueNotice>()).Notice;
        Assert.Equal(NoticeKind.DeadlineReminder, reminder.Kind);
        Assert.Equal("§2-3", reminder.Clause);
        Assert.EndsWith($"/2027-02-28/{lead}d", reminder.Id, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SameEventIdTwice_SecondChangesNothing()
    {
        var state = Registered(Eclect(), "2026-04-01");
        var usage = new UsageRecorded(new MonthUsage(YM("2026-04"), AwsUsageUsd: 100m, FxRate: 150m)) { EventId = "usage-1" };

        var first = LifecycleDecider.Decide(state, usage, D("2026-04-30"));
        var second = LifecycleDecider.Decide(first.State, usage, D("2026-04-30"));

        Assert.NotEmpty(first.Commands);
        Assert.Empty(second.Commands);
        Assert.Same(first.State, second.State);
    }

    [Fact]
    public void Decide_CancellationOfEclect_EffectiveOnThe20thAndDataDeletionRemindedBeforeIt()
    {
        var state = Registered(Eclect(), "2026-04-01");

        var decision = LifecycleDecider.Decide(state, new CancellationRequested(D("2026-06-16"), D("2026-07-20")), D("2026-06-16"));

        Assert.Equal(D("2026-08-20"), decision.Consequence.EffectiveDate);
        Assert.Equal("§27-1", decision.Consequence.Clause);
        Assert.Equal(ContractStatus.Ending, decision.State.Status);
        Assert.Equal(D("2026-08-20"), decision.State.Dates.End);
        var notice = Assert.Single(decision.Commands.OfType<EnqueueNotice>()).Notice;
        Assert.Equal(NoticeKind.CancellationReceived, notice.Kind);
        // §27-3: the customer is reminded to delete its data 30 days before the cancellation date.
        var reminded = LifecycleDecider.Decide(decision.State, new TimerFired(), D("2026-07-21"));
        Assert.Contains(reminded.Commands.OfType<EnqueueNotice>(), n => n.Notice.Kind == NoticeKind.DataDeletionReminder && n.Notice.Clause == "§27-3");
    }

    [Fact]
    public void Decide_SecondCancellation_IsRefusedNamingTheFirst()
    {
        var state = LifecycleDecider.Decide(Registered(Eclect(), "2026-04-01"), new CancellationRequested(D("2026-06-10"), D("2026-07-20")), D("2026-06-10")).State;

        var refused = Assert.Throws<ContractRuleException>(() => LifecycleDecider.Decide(state, new CancellationRequested(D("2026-06-11"), D("2026-08-20")), D("2026-06-11")));

        Assert.Equal("cancellation", refused.Field);
        Assert.Contains("2026-07-20", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_NecEarlyCancellation_EndsTheUsagePeriodAndAnnouncesTheRemainingBaseFees()
    {
        var state = Registered(Nec(), "2026-04-01");

        var decision = LifecycleDecider.Decide(state, new CancellationRequested(D("2027-05-15"), D("2027-09-30")), D("2027-05-15"));

        Assert.Equal(D("2027-09-30"), decision.State.Termination?.Date);
        Assert.Equal(D("2028-03-31"), decision.State.Dates.End);
        // §24-2: base fee for the 6 months 2027-10 … 2028-03.
        Assert.Equal(6 * 120_000, decision.Consequence.Amount);
        var notice = Assert.Single(decision.Commands.OfType<EnqueueNotice>()).Notice;
        Assert.Contains(notice.Facts, f => f.Clause == "§24-2" && f.Value.StartsWith("¥720,000", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_ExtensionAfterTheDeadline_IsRefusedUnderClause2_3()
    {
        var state = Registered(Nec(), "2026-04-01");

        var refused = Assert.Throws<ContractRuleException>(() => LifecycleDecider.Decide(state, new ExtensionRequested(D("2027-03-01"), D("2030-03-31")), D("2027-03-01")));

        Assert.Equal("requestDate", refused.Field);
        Assert.Equal("§2-3", refused.Clause);
    }

    [Fact]
    public void Decide_InvoiceMonthTwice_IssuesOneInvoice()
    {
        var state = LifecycleDecider.Decide(Registered(Eclect(), "2026-04-01"), new UsageRecorded(new MonthUsage(YM("2026-10"), AwsUsageUsd: 1234.56m, FxRate: 151.37m)), D("2026-10-31")).State;

        var first = LifecycleDecider.Decide(state, new InvoiceMonth(YM("2026-10")), D("2026-11-02"));
        var second = LifecycleDecider.Decide(first.State, new InvoiceMonth(YM("2026-10")), D("2026-11-02"));

        var invoice = Assert.Single(first.Commands.OfType<IssueInvoice>()).Invoice;
        Assert.Equal("INV-C-ECL-202610", invoice.Number);
        Assert.Equal(248_733, invoice.Total);
        Assert.Empty(second.Commands.OfType<IssueInvoice>());
        Assert.False(second.Consequence.Changed);
    }

    [Fact]
    public void Decide_InvoiceMonthWithoutUsage_IsRefusedNamingTheMissingFigure()
    {
        var state = Registered(Eclect(), "2026-04-01");

        var refused = Assert.Throws<ContractRuleException>(() => LifecycleDecider.Decide(state, new InvoiceMonth(YM("2026-10")), D("2026-11-02")));

        Assert.Equal("awsUsageUsd", refused.Field);
    }

    /// <summary>
    /// Issue 15 point 7: the day after the due date no interest has run yet (OPTAGE §27 counts to the day before payment):
    /// the overdue notice says when it starts instead of "× 0日 … ¥0", and lists no ¥0 interest.
    /// </summary>
    [Fact]
    public void Decide_OverdueCheck_TheDayAfterTheDueDate_SaysNoInterestYet_NotZeroDays()
    {
        var state = Registered(Neutrix(), "2026-04-01");
        state = LifecycleDecider.Decide(state, new UsageRecorded(new MonthUsage(YM("2026-11"), ResourceFee: 100_000m)), D("2026-11-30")).State;
        state = LifecycleDecider.Decide(state, new InvoiceMonth(YM("2026-11")), D("2026-12-01")).State;

        var notice = LifecycleDecider.Decide(state, new OverdueCheck(), D("2027-01-05")).Commands.OfType<EnqueueNotice>().Single(n => n.Notice.Kind == NoticeKind.PaymentOverdue).Notice;

        Assert.DoesNotContain(notice.Paragraphs, p => p.Ja.Contains("× 0日", StringComparison.Ordinal) || p.En.Contains("× 0 days", StringComparison.Ordinal));
        Assert.Contains(notice.Paragraphs, p => p.Ja.Contains("遅延損害金はかかりません", StringComparison.Ordinal) && p.Ja.Contains("§27", StringComparison.Ordinal));
        Assert.DoesNotContain(notice.Facts, f => f.Value == "¥0");
    }

    [Theory]
    // The month's due date 2026-12-31 is a bank holiday: it moves to Monday 2027-01-04 (民法 §142, PaymentDays).
    [InlineData("2027-01-04", 0)]
    [InlineData("2027-01-05", 1)]
    [InlineData("2027-02-03", 1)]
    [InlineData("2027-02-04", 2)]
    public void Decide_OverdueCheck_ChasesTheDayAfterTheDueDateThenEvery30Days(string today, int expectedStage)
    {
        var state = Registered(Neutrix(), "2026-04-01");
        state = LifecycleDecider.Decide(state, new UsageRecorded(new MonthUsage(YM("2026-11"), ResourceFee: 100_000m)), D("2026-11-30")).State;
        state = LifecycleDecider.Decide(state, new InvoiceMonth(YM("2026-11")), D("2026-12-01")).State;

        var decision = LifecycleDecider.Decide(state, new OverdueCheck(), D(today));
        var again = LifecycleDecider.Decide(decision.State, new OverdueCheck(), D(today));

        var overdue = decision.Commands.OfType<EnqueueNotice>().Where(n => n.Notice.Kind == NoticeKind.PaymentOverdue).ToList();
        Assert.Equal(expectedStage == 0 ? 0 : 1, overdue.Count);
        Assert.DoesNotContain(again.Commands.OfType<EnqueueNotice>(), n => n.Notice.Kind == NoticeKind.PaymentOverdue);
        if (expectedStage > 0)
        {
            Assert.EndsWith($"/{expectedStage}", overdue[0].Notice.Id, StringComparison.Ordinal);
            Assert.Equal("§27", overdue[0].Notice.Clause);
        }
    }

    [Fact]
    public void Decide_LatePayment_RecordsTheLateInterestOfTheClause()
    {
        var state = Registered(Neutrix(), "2026-04-01");
        state = LifecycleDecider.Decide(state, new UsageRecorded(new MonthUsage(YM("2026-09"), ResourceFee: 100_000m)), D("2026-09-30")).State;
        state = LifecycleDecider.Decide(state, new InvoiceMonth(YM("2026-09")), D("2026-10-01")).State;
        var open = Assert.Single(state.OpenInvoices);

        var paid = LifecycleDecider.Decide(state, new PaymentReceived(open.Number, open.DueDate.PlusDays(20), open.Total), open.DueDate.PlusDays(20));

        // The month's invoice is settled; what stays open is the late interest's own invoice.
        Assert.DoesNotContain(paid.State.OpenInvoices, i => i.Number == open.Number);
        Assert.Equal("§27", paid.Consequence.Clause);
        // §27: 14.5% a year, 365-day basis, from the day after the due date (moved off a bank holiday,
        // 民法 §142: Saturday 10-31 → Monday 11-02) to the day before payment.
        var days = Period.Between(PaymentDays.FirstDayLate(open.DueDate), open.DueDate.PlusDays(20), PeriodUnits.Days).Days;
        Assert.Equal((long)decimal.Floor(open.Total * 0.145m * days / 365), paid.Consequence.Amount);
    }

    [Fact]
    public void Decide_TimerWithNothingDue_ChangesNothing()
    {
        var state = Registered(Nec(), "2026-04-01");

        var decision = LifecycleDecider.Decide(state, new TimerFired(), D("2026-04-02"));

        Assert.Empty(decision.Commands);
        Assert.Same(state, decision.State);
    }

    [Fact]
    public void Decide_ProviderTerminationOfOptage_EndsTheContract30DaysLater()
    {
        var state = Registered(Storage(), "2026-05-01");

        var decision = LifecycleDecider.Decide(state, new ProviderNoticeGiven("provider-termination", D("2027-06-01")), D("2027-06-01"));

        Assert.Equal(D("2027-07-01"), decision.State.Dates.End);
        Assert.Equal("§29-3", decision.Consequence.Clause);
        Assert.Single(decision.Commands.OfType<EnqueueNotice>(), n => n.Notice.Kind == NoticeKind.ProviderTermination);
    }
}
