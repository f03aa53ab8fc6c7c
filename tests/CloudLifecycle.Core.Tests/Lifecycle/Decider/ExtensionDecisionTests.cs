using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Core.Lifecycle.Views;
using NodaTime;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Lifecycle.Decider;

/// <summary>
/// nec-express5800 §2-3 「当社が利用期間の延長が可能と判断したときには…両社にて調整のうえ」: a request is recorded
/// as pending and NEC decides. The fixture contract runs 2026-04-01 → 2028-03-31 at ¥120,000 a month and
/// ¥3,000 a unit; its extension deadline is 2027-02-28.
/// </summary>
public class ExtensionDecisionTests
{
    private static readonly LocalDate UsageEnd = D("2028-03-31");

    private static ContractState Nec2026() => Registered(Nec(), "2026-04-01");

    private static Decision Request(ContractState state, string on = "2026-12-01", string newEnd = "2029-03-31") =>
        LifecycleDecider.Decide(state, new ExtensionRequested(D(on), D(newEnd)), D(on));

    private static ContractState Pending() => Request(Nec2026()).State;

    [Fact]
    public void Request_IsRecordedAsPending_TheUsagePeriodStillEndsAsPlanned_AndTheCustomerIsToldNecDecides()
    {
        var before = Nec2026();

        var decision = Request(before);

        Assert.Equal(UsageEnd, decision.State.Dates.End);
        Assert.Equal(new ExtensionRecord(D("2026-12-01"), D("2029-03-31"), UsageEnd), decision.State.ExtensionRequest);
        Assert.Null(decision.Consequence.EffectiveDate);
        Assert.Equal("§2-3", decision.Consequence.Clause);
        Assert.Contains("pending", decision.Consequence.Summary.En, StringComparison.Ordinal);
        Assert.Single(decision.Commands.OfType<RecordHistory>(), r => r.Entry.Kind == "ExtensionRequested" && r.Entry.Clause == "§2-3" && r.Entry.Date == D("2026-12-01"));
        var notice = Assert.Single(decision.Commands.OfType<EnqueueNotice>()).Notice;
        Assert.Equal(NoticeKind.ExtensionRequestReceived, notice.Kind);
        Assert.Equal("§2-3", notice.Clause);
        Assert.Contains(notice.Facts, f => f.Value == "2029-03-31" && f.Clause == "§2-3");
        Assert.Contains(notice.Facts, f => f.Value == "2028-03-31" && f.Clause == "§2-2");
        // No date is invented for NEC's answer: the plan (usage period end, removal) is what it was.
        Assert.Equal(ContractOverview.Plan(before), ContractOverview.Plan(decision.State));
    }

    /// <summary>The extension-deadline reminders sent from registration through the deadline, with or without a request on <paramref name="requestOn"/>.</summary>
    private static List<string> ExtensionReminders(string? requestOn, Func<ContractState, LocalDate, ContractState>? after = null)
    {
        var state = Nec2026();
        var sent = new List<string>();
        var requested = false;
        while (state.NextWake is { } wake && wake <= D("2027-02-28"))
        {
            if (!requested && requestOn is not null && D(requestOn) <= wake)
            {
                var request = Request(state, requestOn);
                state = after is null ? request.State : after(request.State, D(requestOn));
                requested = true;
                continue;
            }

            var decision = LifecycleDecider.Decide(state, new TimerFired(), wake);
            sent.AddRange(decision.Commands.OfType<EnqueueNotice>().Select(n => n.Notice.Id).Where(id => id.Contains("reminder/ExtensionDeadline/", StringComparison.Ordinal)));
            state = decision.State;
        }

        return sent;
    }

    [Fact]
    public void Reminders_ComeAt90_30And7Days_WhileNoRequestIsMade_AndStopOnceOneIsPending()
    {
        Assert.Equal(
            ["C-NEC/reminder/ExtensionDeadline/2027-02-28/90d", "C-NEC/reminder/ExtensionDeadline/2027-02-28/30d", "C-NEC/reminder/ExtensionDeadline/2027-02-28/7d"],
            ExtensionReminders(requestOn: null));
        Assert.Equal(["C-NEC/reminder/ExtensionDeadline/2027-02-28/90d"], ExtensionReminders(requestOn: "2027-01-10"));
    }

    [Fact]
    public void Reminders_DoNotResume_AfterNecDeclinesBeforeTheDeadline()
    {
        var reminders = ExtensionReminders("2027-01-10", (pending, on) => LifecycleDecider.Decide(pending, new ExtensionDecided(on.PlusDays(5), Approved: false), on.PlusDays(5)).State);

        Assert.Equal(["C-NEC/reminder/ExtensionDeadline/2027-02-28/90d"], reminders);
    }

    [Fact]
    public void Pending_TheExtensionDeadlineIsNoLongerADeadlineForTheCrm_ButStaysAmongTheKeyDates()
    {
        var pending = Pending();

        Assert.DoesNotContain(ContractOverview.DeadlinesWithin(pending, D("2026-12-01"), 120), m => m.Kind == MilestoneKind.ExtensionDeadline);
        Assert.Contains(ContractOverview.DeadlinesWithin(Nec2026(), D("2026-12-01"), 120), m => m.Kind == MilestoneKind.ExtensionDeadline);
        Assert.Contains(LifecycleDecider.KeyDates(pending, D("2026-12-01")), m => m.Kind == MilestoneKind.ExtensionDeadline && m.Date == D("2027-02-28"));
    }

    [Fact]
    public void Approval_EndsTheUsagePeriodOnTheAgreedEnd_AndBillsTheNewBaseFeeFromTheMonthAfterTheOldEnd()
    {
        // 「両社にて調整」: the parties agree 2028-09-30 rather than the 2029-03-31 asked for, at ¥130,000 a month.
        var decision = LifecycleDecider.Decide(Pending(), new ExtensionDecided(D("2027-01-15"), Approved: true, D("2028-09-30"), NewBaseFee: 130_000m), D("2027-01-15"));
        var state = decision.State;

        Assert.Equal(D("2028-09-30"), state.Dates.End);
        Assert.Equal((D("2028-09-30"), "§2-3"), (decision.Consequence.EffectiveDate!.Value, decision.Consequence.Clause));
        Assert.Equal(ExtensionOutcome.Approved, state.ExtensionRequest!.Outcome);
        Assert.Equal(new PricePeriod(D("2028-04-01"), 130_000m, null, "§2-3"), Assert.Single(state.Prices));
        Assert.Single(decision.Commands.OfType<RecordHistory>(), r => r.Entry.Kind == "ExtensionApproved" && r.Entry.Clause == "§2-3" && r.Entry.Date == D("2027-01-15"));
        var notice = Assert.Single(decision.Commands.OfType<EnqueueNotice>()).Notice;
        Assert.Equal(NoticeKind.ExtensionConfirmed, notice.Kind);
        Assert.Contains(notice.Facts, f => f.Value == "2028-09-30" && f.Clause == "§2-3");
        Assert.Contains(notice.Facts, f => f.Value.StartsWith("¥130,000", StringComparison.Ordinal) && f.Clause == "§2-3, §4-3");
        var plan = ContractOverview.Plan(state);
        Assert.Equal(D("2028-09-30"), Assert.Single(plan, m => m.Kind == MilestoneKind.UsagePeriodEnd).Date);
        Assert.Equal(D("2028-10-30"), Assert.Single(plan, m => m.Kind == MilestoneKind.RemovalDeadline).Date); // §29-1 follows the new end

        Assert.Equal((120_000, 3_000), BaseAndMetered(state, "2028-03"));
        Assert.Equal((130_000, 3_000), BaseAndMetered(state, "2028-04")); // the unit price was not changed
    }

    /// <summary>The base-fee and metered-fee lines of the month's invoice, one unit used.</summary>
    private static (long BaseFee, long Metered) BaseAndMetered(ContractState state, string month)
    {
        var used = LifecycleDecider.Decide(state, new UsageRecorded(new MonthUsage(YM(month), Quantity: 1)), YM(month).OnDayOfMonth(28)).State;
        var invoice = Assert.Single(LifecycleDecider.Decide(used, new InvoiceMonth(YM(month)), YM(month).PlusMonths(1).OnDayOfMonth(1)).Commands.OfType<IssueInvoice>()).Invoice;
        return (invoice.Lines.Single(l => l.Code == "base-fee").Amount, invoice.Lines.Single(l => l.Code == "metered-fee").Amount);
    }

    [Fact]
    public void Approval_WithoutPrices_KeepsThePrices_AndRemindsOfTheNewPeriodsOwnDeadline()
    {
        var approved = LifecycleDecider.Decide(Pending(), new ExtensionDecided(D("2027-01-15"), Approved: true, D("2029-03-31")), D("2027-01-15")).State;

        Assert.Empty(approved.Prices);
        Assert.Equal((120_000, 3_000), BaseAndMetered(approved, "2028-04"));
        // 「7年目以降を含みます」: a further extension is asked for 13 months before the new end, 2028-02-29, and reminded again.
        var reminded = LifecycleDecider.Decide(approved, new TimerFired(), D("2027-12-01"));
        Assert.Contains(reminded.Commands.OfType<EnqueueNotice>(), n => n.Notice.Id == "C-NEC/reminder/ExtensionDeadline/2028-02-29/90d");
    }

    [Fact]
    public void Decline_LeavesTheContractToRunToItsEnd_AndSaysWhenTheEquipmentIsRemoved()
    {
        var pending = Pending();

        var decision = LifecycleDecider.Decide(pending, new ExtensionDecided(D("2027-01-20"), Approved: false), D("2027-01-20"));

        Assert.Equal(UsageEnd, decision.State.Dates.End);
        Assert.Empty(decision.State.Prices);
        Assert.Equal(ExtensionOutcome.Declined, decision.State.ExtensionRequest!.Outcome);
        Assert.Equal(ContractOverview.Plan(pending), ContractOverview.Plan(decision.State));
        Assert.Equal((UsageEnd, "§2-3"), (decision.Consequence.EffectiveDate!.Value, decision.Consequence.Clause));
        Assert.Single(decision.Commands.OfType<RecordHistory>(), r => r.Entry.Kind == "ExtensionDeclined" && r.Entry.Clause == "§2-3");
        var notice = Assert.Single(decision.Commands.OfType<EnqueueNotice>()).Notice;
        Assert.Equal(NoticeKind.ExtensionDeclined, notice.Kind);
        Assert.Contains(notice.Facts, f => f.Value == "2028-03-31" && f.Clause == "§2-2");
        Assert.Contains(notice.Facts, f => f.Value == "2028-04-30" && f.Clause == "§29-1"); // removal within 30 days after the end
    }

    [Fact]
    public void Decline_ThenANewRequest_IsPendingAgain()
    {
        var declined = LifecycleDecider.Decide(Pending(), new ExtensionDecided(D("2027-01-20"), Approved: false), D("2027-01-20")).State;

        var again = Request(declined, "2027-02-10", "2028-09-30");

        Assert.Equal(ExtensionOutcome.Pending, again.State.ExtensionRequest!.Outcome);
        Assert.Equal(D("2028-09-30"), again.State.ExtensionRequest.RequestedEnd);
    }

    public static TheoryData<string, Func<ContractState>, Trigger, string, string, RefusalKind> Refusals => new()
    {
        { "a decision with no request", Nec2026, new ExtensionDecided(D("2026-12-01"), Approved: false), "2026-12-01", "extension", RefusalKind.Conflict },
        { "a second request while one is pending", Pending, new ExtensionRequested(D("2026-12-10"), D("2028-09-30")), "2026-12-10", "extension", RefusalKind.Conflict },
        { "an approval without the agreed end", Pending, new ExtensionDecided(D("2027-01-15"), Approved: true), "2027-01-15", "newEnd", RefusalKind.Invalid },
        { "an agreed end that does not extend", Pending, new ExtensionDecided(D("2027-01-15"), Approved: true, UsageEnd), "2027-01-15", "newEnd", RefusalKind.Invalid },
        { "a request to an end that does not extend", Nec2026, new ExtensionRequested(D("2026-12-01"), D("2028-02-29")), "2026-12-01", "newEnd", RefusalKind.Invalid },
        { "a request after the deadline", Nec2026, new ExtensionRequested(D("2027-03-01"), D("2029-03-31")), "2027-03-01", "requestDate", RefusalKind.Invalid },
        { "a decision before the request", Pending, new ExtensionDecided(D("2026-11-30"), Approved: false), "2026-12-05", "decidedOn", RefusalKind.Invalid },
        { "an approval after the usage period ended", Pending, new ExtensionDecided(D("2028-04-01"), Approved: true, D("2029-03-31")), "2028-04-01", "decidedOn", RefusalKind.Invalid },
        { "a decline that carries an end", Pending, new ExtensionDecided(D("2027-01-15"), Approved: false, D("2029-03-31")), "2027-01-15", "newEnd", RefusalKind.Invalid },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Refused_NamingTheFieldAndClause2_3_AndChangingNothing(string why, Func<ContractState> given, Trigger trigger, string today, string field, RefusalKind kind)
    {
        var state = given();

        var refusal = Assert.Throws<ContractRuleException>(() => LifecycleDecider.Decide(state, trigger, D(today)));

        Assert.True(field == refusal.Field, $"{why}: {refusal.Message}");
        Assert.Equal(kind, refusal.Kind);
        Assert.Equal("§2-3", refusal.Clause);
    }

    [Fact]
    public void Approval_AtANegativeBaseFee_IsRefusedNamingNewBaseFeeAndClause4_3()
    {
        var refusal = Assert.Throws<ContractRuleException>(() =>
            LifecycleDecider.Decide(Pending(), new ExtensionDecided(D("2027-01-15"), Approved: true, D("2029-03-31"), NewBaseFee: -1m), D("2027-01-15")));

        Assert.Equal(("newBaseFee", "§4-3"), (refusal.Field, refusal.Clause));
    }

    [Fact]
    public void ACancelledContract_IsNotExtended()
    {
        var cancelled = LifecycleDecider.Decide(Pending(), new CancellationRequested(D("2026-12-20"), D("2027-06-30")), D("2026-12-20")).State;

        var refusal = Assert.Throws<ContractRuleException>(() =>
            LifecycleDecider.Decide(cancelled, new ExtensionDecided(D("2027-01-15"), Approved: true, D("2029-03-31")), D("2027-01-15")));
        var declined = LifecycleDecider.Decide(cancelled, new ExtensionDecided(D("2027-01-15"), Approved: false), D("2027-01-15"));

        Assert.Equal((RefusalKind.Conflict, "§24-1"), (refusal.Kind, refusal.Clause));
        Assert.Equal(ExtensionOutcome.Declined, declined.State.ExtensionRequest!.Outcome);
    }
}
