using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Core.Lifecycle.Decider;
using CloudLifecycle.Core.Lifecycle.Views;
using NodaTime;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Lifecycle.Decider;

/// <summary>Contracts with one invoice issued and left unpaid, the starting point of every non-payment case.</summary>
internal static class Unpaid
{
    /// <summary>eclect-aws: April 2026's AWS usage, invoiced 05-01, due 2026-06-30 (§16-2 翌々月末日).</summary>
    public static ContractState Eclect() => Invoiced(Registered(LifecycleFixtures.Eclect(), "2026-04-01"), "2026-04", new MonthUsage(YM("2026-04"), AwsUsageUsd: 1_000m, FxRate: 150m), "2026-06-30");

    /// <summary>nec-express5800: April 2026, invoiced in May, due 2026-06-30 (§5-1 請求書発行月の翌月末日).</summary>
    public static ContractState Nec() => Invoiced(Registered(LifecycleFixtures.Nec(), "2026-04-01"), "2026-04", new MonthUsage(YM("2026-04"), Quantity: 10m), "2026-06-30");

    /// <summary>ntt-east-aws-ops: May 2026 (the first charged month, §35-1), invoiced 06-01, due 2026-06-30 (別紙2 請求書発行日の月末).</summary>
    public static ContractState Ntt() => Invoiced(Registered(LifecycleFixtures.Ntt(), "2026-04-10"), "2026-05", null, "2026-06-30");

    /// <summary>optage-storage: May 2026, due the end of June, 2026-06-30.</summary>
    public static ContractState Storage() => Invoiced(Registered(LifecycleFixtures.Storage(), "2026-05-01"), "2026-05", null, "2026-06-30");

    /// <summary>optage-neutrix: September 2026, due 2026-10-31, a Saturday: the banks' next day, 11-02 (民法 §142).</summary>
    public static ContractState Neutrix() => Invoiced(Registered(LifecycleFixtures.Neutrix(), "2026-04-01"), "2026-09", new MonthUsage(YM("2026-09"), ResourceFee: 100_000m), "2026-11-02");

    public static ContractState For(string product) => product switch
    {
        "eclect-aws" => Eclect(),
        "nec-express5800" => Nec(),
        "ntt-east-aws-ops" => Ntt(),
        "optage-storage" => Storage(),
        _ => Neutrix(),
    };

    private static ContractState Invoiced(ContractState state, string month, MonthUsage? usage, string due)
    {
        var ym = YM(month);
        if (usage is not null)
        {
            state = LifecycleDecider.Decide(state, new UsageRecorded(usage), ym.OnDayOfMonth(ym.Calendar.GetDaysInMonth(ym.Year, ym.Month))).State;
        }

        state = LifecycleDecider.Decide(state, new InvoiceMonth(ym), ym.PlusMonths(1).OnDayOfMonth(1)).State;
        var open = Assert.Single(state.OpenInvoices);
        Assert.Equal(D(due), open.DueDate);
        return state;
    }

    public static Decision Notice(ContractState state, string rule, string on, string? stated = null) =>
        LifecycleDecider.Decide(state, new ProviderNoticeGiven(rule, D(on), stated is null ? null : D(stated)), D(on));

    public static Decision PayAll(ContractState state, string on)
    {
        Decision? last = null;
        foreach (var invoice in state.OpenInvoices.Where(i => i.DueDate < D(on)).ToList())
        {
            last = LifecycleDecider.Decide(last?.State ?? state, new PaymentReceived(invoice.Number, D(on), invoice.Outstanding), D(on));
        }

        return last ?? throw new InvalidOperationException("nothing overdue to pay");
    }
}

/// <summary>
/// Suspension for non-payment per product: open from the day after the (bank-day) due date, on the
/// notice day where the clause asks no advance notice (eclect-aws §21, OPTAGE §18), on the day the
/// notice states where it does (NEC §19-2, NTT §34-2); refused before, naming the clause.
/// </summary>
public class NonPaymentSuspensionTests
{
    /// <summary>Product, first day the suspension is open, its clause, the clause that asks advance notice (or none).</summary>
    public static TheoryData<string, string, string, string?> Products => new()
    {
        { "eclect-aws", "2026-07-01", "§21-1(1)", null },
        { "nec-express5800", "2026-07-01", "§19-1(1)", "§19-2" },
        { "ntt-east-aws-ops", "2026-07-01", "§34-1(1)", "§34-2" },
        { "optage-storage", "2026-07-01", "§18-1(1)", null },
        { "optage-neutrix", "2026-11-03", "§18-1(1)", null },
    };

    [Theory]
    [MemberData(nameof(Products))]
    public void NoticeOnTheDueDate_IsRefused_NamingNoticeDateAndTheClause(string product, string firstDay, string clause, string? advance)
    {
        var state = Unpaid.For(product);
        var dueDate = D(firstDay).PlusDays(-1);

        var refusal = Assert.Throws<ContractRuleException>(() => LifecycleDecider.Decide(state,
            new ProviderNoticeGiven("nonpayment-suspension", dueDate, advance is null ? null : dueDate.PlusDays(7)), dueDate));

        Assert.Equal(("noticeDate", clause, RefusalKind.Invalid), (refusal.Field, refusal.Clause, refusal.Kind));
        Assert.Contains($"open from {firstDay}", refusal.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Products))]
    public void NoticeTheDayAfterTheDueDate_SuspendsAsTheClauseSays(string product, string firstDay, string clause, string? advance)
    {
        var state = Unpaid.For(product);
        var stated = advance is null ? null : D(firstDay).PlusDays(7).ToString("uuuu-MM-dd", null);

        var decision = Unpaid.Notice(state, "nonpayment-suspension", firstDay, stated);

        var from = advance is null ? D(firstDay) : D(firstDay).PlusDays(7);
        Assert.Equal((from, clause), (decision.Consequence.EffectiveDate!.Value, decision.Consequence.Clause));
        Assert.Contains(ContractOverview.Plan(decision.State), m => m == new Milestone(from, MilestoneKind.ServiceSuspended, clause, m.Description));
        Assert.Equal(advance is null ? ContractStatus.Suspended : ContractStatus.Active, decision.State.Status);
        var notices = decision.Commands.OfType<EnqueueNotice>().Select(n => n.Notice.Kind).Where(k => k is NoticeKind.SuspensionAnnounced or NoticeKind.SuspensionEffective);
        Assert.Equal(advance is null ? new[] { NoticeKind.SuspensionEffective } : new[] { NoticeKind.SuspensionAnnounced }, notices);
    }

    [Theory]
    [InlineData("nec-express5800", "§19-2")]
    [InlineData("ntt-east-aws-ops", "§34-2")]
    public void AdvanceNoticeClause_WithoutTheDay_OrWithTheNoticeDayItself_IsRefusedNamingStatedDate(string product, string advance)
    {
        var state = Unpaid.For(product);

        var missing = Assert.Throws<ContractRuleException>(() => Unpaid.Notice(state, "nonpayment-suspension", "2026-07-01"));
        var sameDay = Assert.Throws<ContractRuleException>(() => Unpaid.Notice(state, "nonpayment-suspension", "2026-07-01", "2026-07-01"));

        Assert.Equal(("statedDate", advance), (missing.Field, missing.Clause));
        Assert.Equal(("statedDate", advance), (sameDay.Field, sameDay.Clause));
    }

    [Fact]
    public void AnnouncedSuspension_TakesEffectOnItsDay_WhenTheTimerWakesTheContract()
    {
        var announced = Unpaid.Notice(Unpaid.Nec(), "nonpayment-suspension", "2026-07-01", "2026-07-10").State;
        Assert.Equal(D("2026-07-10"), announced.NextWake);

        var effective = LifecycleDecider.Decide(announced, new TimerFired(), D("2026-07-10"));

        Assert.Equal(ContractStatus.Suspended, effective.State.Status);
        var notice = Assert.Single(effective.Commands.OfType<EnqueueNotice>(), n => n.Notice.Kind == NoticeKind.SuspensionEffective).Notice;
        Assert.Equal("§19-1(1)", notice.Clause);
        Assert.Contains(notice.Facts, f => f.Clause == "§11-3(12)");
        Assert.Single(effective.Commands.OfType<RecordHistory>(), r => r.Entry.Kind == nameof(MilestoneKind.ServiceSuspended) && r.Entry.Clause == "§19-1(1)");
    }

    [Fact]
    public void NothingUnpaid_IsRefused_NamingTheRuleAndTheClause()
    {
        var state = Registered(Eclect(), "2026-04-01");

        var refusal = Assert.Throws<ContractRuleException>(() => Unpaid.Notice(state, "nonpayment-suspension", "2026-07-01"));

        Assert.Equal(("rule", "§21-1(1)"), (refusal.Field, refusal.Clause));
    }

    [Fact]
    public void PaidInvoice_IsNoGround()
    {
        var state = Unpaid.Eclect();
        var open = state.OpenInvoices[0];
        state = LifecycleDecider.Decide(state, new PaymentReceived(open.Number, D("2026-06-29"), open.Total), D("2026-06-29")).State;

        Assert.Throws<ContractRuleException>(() => Unpaid.Notice(state, "nonpayment-suspension", "2026-07-01"));
    }

    [Fact]
    public void SecondSuspension_IsAConflictCitingTheFirst()
    {
        var suspended = Unpaid.Notice(Unpaid.Eclect(), "nonpayment-suspension", "2026-07-01").State;

        var refusal = Assert.Throws<ContractRuleException>(() => Unpaid.Notice(suspended, "nonpayment-suspension", "2026-07-05"));

        Assert.Equal((RefusalKind.Conflict, "§21-1(1)"), (refusal.Kind, refusal.Clause));
    }

    [Fact]
    public void StatedDayBeforeTheNotice_IsRefused()
    {
        var refusal = Assert.Throws<ContractRuleException>(() => Unpaid.Notice(Unpaid.Storage(), "nonpayment-suspension", "2026-07-03", "2026-07-02"));

        Assert.Equal(("statedDate", "§18-1(1)"), (refusal.Field, refusal.Clause));
    }

    [Fact]
    public void SuspendedContract_IsStillInvoiced_ChargesContinue()
    {
        var suspended = Unpaid.Notice(Unpaid.Ntt(), "nonpayment-suspension", "2026-07-01", "2026-07-06").State;
        suspended = LifecycleDecider.Decide(suspended, new TimerFired(), D("2026-07-06")).State;
        Assert.Equal(ContractStatus.Suspended, suspended.Status);

        var invoiced = LifecycleDecider.Decide(suspended, new InvoiceMonth(YM("2026-07")), D("2026-08-01"));

        var invoice = Assert.Single(invoiced.Commands.OfType<IssueInvoice>()).Invoice;
        Assert.Equal(4 * 15_000 + 6_000, invoice.Total); // standard, 4 components: the whole month, tax added (§35-2: no waiver for the customer's own suspension)
        Assert.Equal(ContractStatus.Suspended, invoiced.State.Status);
    }

    [Fact]
    public void SuspendedNec_KeepsRemindingTheExtensionDeadline()
    {
        var suspended = Unpaid.Notice(Unpaid.Nec(), "nonpayment-suspension", "2026-07-01", "2026-07-10").State;
        suspended = LifecycleDecider.Decide(suspended, new TimerFired(), D("2026-07-10")).State;
        var extension = Assert.Single(ContractOverview.Plan(suspended), m => m.Kind == MilestoneKind.ExtensionDeadline);

        Assert.Equal([90, 30, 7], ReminderSchedule.LeadDays(extension, suspended, null));
    }
}

/// <summary>Paying every overdue invoice lifts the suspension: the contract resumes as it was, and the customer is told with the clause.</summary>
public class ResumptionTests
{
    [Fact]
    public void FullPayment_ResumesTheService_WithAHistoryEntryAndANotice_EvenThoughItIssuesALateInterestInvoice()
    {
        var suspended = Unpaid.Notice(Unpaid.Eclect(), "nonpayment-suspension", "2026-07-01").State;

        var paid = Unpaid.PayAll(suspended, "2026-07-20");

        Assert.Equal(ContractStatus.Active, paid.State.Status);
        Assert.Null(paid.State.Suspension);
        Assert.Single(paid.Commands.OfType<IssueInvoice>()); // §17 late interest, due later: not overdue, no ground
        var entry = Assert.Single(paid.Commands.OfType<RecordHistory>(), r => r.Entry.Kind == "ServiceResumed").Entry;
        Assert.Equal(("§21-1(1)", D("2026-07-20")), (entry.Clause, entry.Date));
        var notice = Assert.Single(paid.Commands.OfType<EnqueueNotice>(), n => n.Notice.Kind == NoticeKind.ServiceResumed).Notice;
        Assert.Contains(notice.Facts, f => f.Value == "2026-07-20" && f.Clause == "§21-1(1)");
        Assert.Contains(ContractOverview.Plan(paid.State), m => m.Kind == MilestoneKind.ServiceSuspended && m.Date == D("2026-07-01"));
    }

    [Fact]
    public void PartialPayment_KeepsTheSuspension()
    {
        var suspended = Unpaid.Notice(Unpaid.Eclect(), "nonpayment-suspension", "2026-07-01").State;
        var open = suspended.OpenInvoices[0];

        var half = LifecycleDecider.Decide(suspended, new PaymentReceived(open.Number, D("2026-07-20"), open.Outstanding / 2), D("2026-07-20"));

        Assert.Equal(ContractStatus.Suspended, half.State.Status);
        Assert.DoesNotContain(half.Commands.OfType<EnqueueNotice>(), n => n.Notice.Kind == NoticeKind.ServiceResumed);
    }

    [Fact]
    public void PaidBeforeTheAnnouncedDay_TheSuspensionNeverBegins_AndLeavesThePlan()
    {
        var announced = Unpaid.Notice(Unpaid.Ntt(), "nonpayment-suspension", "2026-07-01", "2026-07-10").State;

        var paid = Unpaid.PayAll(announced, "2026-07-05");
        var onTheDay = LifecycleDecider.Decide(paid.State, new TimerFired(), D("2026-07-10"));

        Assert.Equal(ContractStatus.Active, onTheDay.State.Status);
        Assert.DoesNotContain(ContractOverview.Plan(paid.State), m => m.Kind == MilestoneKind.ServiceSuspended);
        Assert.DoesNotContain(onTheDay.Commands.OfType<EnqueueNotice>(), n => n.Notice.Kind == NoticeKind.SuspensionEffective);
        Assert.Single(paid.Commands.OfType<EnqueueNotice>(), n => n.Notice.Kind == NoticeKind.ServiceResumed && n.Notice.Subject.En.Contains("will not take place", StringComparison.Ordinal));
    }

    [Fact]
    public void CancelledWhileSuspended_ResumesAsEnding_AndStillEndsOnItsDay()
    {
        var suspended = Unpaid.Notice(Unpaid.Eclect(), "nonpayment-suspension", "2026-07-01").State;

        var cancelled = LifecycleDecider.Decide(suspended, new CancellationRequested(D("2026-07-05"), D("2026-08-20")), D("2026-07-05")).State;
        var resumed = Unpaid.PayAll(cancelled, "2026-07-10").State;
        var ended = LifecycleDecider.Decide(resumed, new TimerFired(), D("2026-08-20")).State;

        Assert.Equal(ContractStatus.Suspended, cancelled.Status);
        Assert.Equal(ContractStatus.Ending, resumed.Status);
        Assert.Equal(ContractStatus.Closed, ended.Status);
    }
}

/// <summary>What a suspended contract accepts (the status table's rows for <see cref="ContractStatus.Suspended"/>).</summary>
public class SuspendedStatusTableTests
{
    public static TheoryData<string, bool> Rows => new()
    {
        { nameof(Registered), true },
        { nameof(TimerFired), true },
        { nameof(CancellationRequested), true },
        { nameof(ExtensionRequested), true },
        { nameof(PlanChanged), false },
        { nameof(UsageRecorded), true },
        { nameof(OutageReported), true },
        { nameof(PaymentReceived), true },
        { nameof(ProviderNoticeGiven), true },
        { nameof(InvoiceMonth), true },
        { nameof(OverdueCheck), true },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Suspended_AcceptsPaymentsUsageInvoicingNoticesAndCancellation_NotAPlanChange(string trigger, bool allowed)
    {
        var type = TriggerPolicy.Triggers.Single(t => t.Name == trigger);

        Assert.Equal(allowed, TriggerPolicy.Allows(ContractStatus.Suspended, type));
    }

    [Fact]
    public void PlanChangeWhileSuspended_IsAConflictCitingTheSuspension()
    {
        var suspended = Unpaid.Notice(Unpaid.Ntt(), "nonpayment-suspension", "2026-07-01", "2026-07-06").State;
        suspended = LifecycleDecider.Decide(suspended, new TimerFired(), D("2026-07-06")).State;

        var refusal = Assert.Throws<ContractRuleException>(() => LifecycleDecider.Decide(suspended, new PlanChanged(D("2026-08-01"), "entry", 4), D("2026-07-10")));

        Assert.Equal(("plan", RefusalKind.Conflict, "§34-1(1)"), (refusal.Field, refusal.Kind, refusal.Clause));
    }

    [Fact]
    public void OverdueCheck_StillChasesWhileSuspended()
    {
        var suspended = Unpaid.Notice(Unpaid.Storage(), "nonpayment-suspension", "2026-07-01").State;

        var chased = LifecycleDecider.Decide(suspended, new OverdueCheck(), D("2026-07-02"));

        Assert.Single(chased.Commands.OfType<EnqueueNotice>(), n => n.Notice.Kind == NoticeKind.PaymentOverdue);
    }
}

/// <summary>
/// eclect-aws §28-1(1): termination for non-payment without a cure period, and §28-4: every debt loses
/// its term (期限の利益の喪失) and is due on the termination day; overdue notices and late interest run from it.
/// </summary>
public class NonPaymentTerminationTests
{
    /// <summary>April unpaid (due 06-30) and May invoiced 06-01, due 07-31: not yet due when the contract is terminated on 07-10.</summary>
    private static ContractState TwoInvoices()
    {
        var state = Unpaid.Eclect();
        state = LifecycleDecider.Decide(state, new UsageRecorded(new MonthUsage(YM("2026-05"), AwsUsageUsd: 1_000m, FxRate: 150m)), D("2026-05-31")).State;
        state = LifecycleDecider.Decide(state, new InvoiceMonth(YM("2026-05")), D("2026-06-01")).State;
        Assert.Equal(D("2026-07-31"), state.OpenInvoices.Single(i => i.Month == YM("2026-05")).DueDate);
        return state;
    }

    [Fact]
    public void Termination_EndsTheContractOnTheNoticeDay_UnderItsClause()
    {
        var decision = Unpaid.Notice(TwoInvoices(), "nonpayment-termination", "2026-07-10");

        Assert.Equal(ContractStatus.Closed, decision.State.Status);
        var close = Assert.Single(decision.Commands.OfType<CloseContract>());
        Assert.Equal((D("2026-07-10"), "§28-1(1)"), (close.Date, close.Clause));
        var deadline = Assert.Single(decision.State.Deadlines);
        Assert.Equal((DeadlineEffect.EndsContract, MilestoneKind.ContractEnd), (deadline.Effect, deadline.Milestone.Kind));
    }

    [Fact]
    public void Termination_MakesEveryOpenInvoiceDueOnTheTerminationDay_CitingAcceleration()
    {
        var decision = Unpaid.Notice(TwoInvoices(), "nonpayment-termination", "2026-07-10");

        var may = decision.State.OpenInvoices.Single(i => i.Month == YM("2026-05"));
        var april = decision.State.OpenInvoices.Single(i => i.Month == YM("2026-04"));
        Assert.Equal((D("2026-07-10"), "§28-4"), (may.DueDate, may.DueDateClause));
        Assert.Equal((D("2026-06-30"), null), (april.DueDate, april.DueDateClause)); // already overdue: its own due date stands
        var notice = Assert.Single(decision.Commands.OfType<EnqueueNotice>(), n => n.Notice.Kind == NoticeKind.NonPaymentTermination).Notice;
        Assert.Contains(notice.Facts, f => f.Label.En.StartsWith(may.Number, StringComparison.Ordinal) && f.Clause == "§28-4");
        Assert.Single(decision.Commands.OfType<RecordHistory>(), r => r.Entry.Kind == "DebtsDueAtOnce" && r.Entry.Clause == "§28-4");
    }

    [Fact]
    public void AcceleratedInvoice_IsChasedAndBearsInterestFromTheTerminationDay()
    {
        var terminated = Unpaid.Notice(TwoInvoices(), "nonpayment-termination", "2026-07-10").State;
        var may = terminated.OpenInvoices.Single(i => i.Month == YM("2026-05"));

        var chased = LifecycleDecider.Decide(terminated, new OverdueCheck(), D("2026-07-11"));
        var paid = LifecycleDecider.Decide(chased.State, new PaymentReceived(may.Number, D("2026-07-21"), may.Outstanding), D("2026-07-21"));

        Assert.Contains(chased.Commands.OfType<EnqueueNotice>(), n => n.Notice.Kind == NoticeKind.PaymentOverdue && n.Notice.InvoiceNumber == may.Number);
        // §17: 6% a year from the day after the due date to the day before payment: 07-11 … 07-20 = 10 days, rounded up (§19).
        Assert.Equal((long)decimal.Ceiling(may.Outstanding * 0.06m * 10 / 365), paid.Consequence.Amount);
    }

    [Fact]
    public void LaterStatedDay_EndsThere_AndDebtsAreDueThatDay_OrTheNextBankDay()
    {
        var decision = Unpaid.Notice(TwoInvoices(), "nonpayment-termination", "2026-07-10", "2026-07-20");

        Assert.Equal(ContractStatus.Ending, decision.State.Status);
        Assert.Equal(D("2026-07-20"), decision.State.Dates.End);
        // 2026-07-20 is 海の日, a bank holiday: the debts are due the next bank day (民法 §142), as every due date.
        Assert.Equal(D("2026-07-21"), decision.State.OpenInvoices.Single(i => i.Month == YM("2026-05")).DueDate);
    }

    [Fact]
    public void TerminationOfASuspendedContract_Closes()
    {
        var suspended = Unpaid.Notice(TwoInvoices(), "nonpayment-suspension", "2026-07-01").State;

        var terminated = Unpaid.Notice(suspended, "nonpayment-termination", "2026-07-10").State;

        Assert.Equal(ContractStatus.Closed, terminated.Status);
        Assert.Null(terminated.Suspension);
    }

    [Fact]
    public void NotYetOverdue_IsRefusedNamingTheClause()
    {
        var refusal = Assert.Throws<ContractRuleException>(() => Unpaid.Notice(Unpaid.Eclect(), "nonpayment-termination", "2026-06-30"));

        Assert.Equal(("noticeDate", "§28-1(1)"), (refusal.Field, refusal.Clause));
    }

    [Theory]
    [InlineData("nec-express5800")]
    [InlineData("ntt-east-aws-ops")]
    [InlineData("optage-neutrix")]
    public void ProductsWithoutTheRule_RefuseIt(string product)
    {
        var refusal = Assert.Throws<ContractRuleException>(() => Unpaid.Notice(Unpaid.For(product), "nonpayment-termination", "2026-11-10"));

        Assert.Equal("rule", refusal.Field);
    }
}
