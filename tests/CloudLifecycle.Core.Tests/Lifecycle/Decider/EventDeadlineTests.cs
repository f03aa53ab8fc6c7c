using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Core.Lifecycle.Views;
using NodaTime;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Lifecycle.Decider;

/// <summary>Deadlines an event created appear wherever the terms' own milestones do, with their clause.</summary>
public class EventDeadlineTests
{
    private static Decision BreachNotice(string on = "2026-12-01") =>
        LifecycleDecider.Decide(Registered(Nec(), "2026-04-01"), new ProviderNoticeGiven("cure", D(on)), D(on));

    [Fact]
    public void CureNotice_PutsTheCureDeadlineInThePlanWithItsClause()
    {
        var decision = BreachNotice();

        var cure = Assert.Single(ContractOverview.Plan(decision.State), m => m.Kind == MilestoneKind.CureDeadline);
        var stored = Assert.Single(decision.State.Deadlines);
        Assert.Equal(stored.Milestone, cure);
        Assert.Equal("cure", stored.Rule);
        Assert.Equal(decision.Consequence.Clause, cure.Clause);
        Assert.Equal(decision.Consequence.EffectiveDate, cure.Date);
        Assert.Single(decision.Commands.OfType<EnqueueNotice>(), n => n.Notice.Kind == NoticeKind.ProviderDeadline && n.Notice.Facts.Any(f => f.Value == $"{cure.Date:uuuu-MM-dd}"));
    }

    [Fact]
    public void CureDeadline_IsRemindedThreeDaysAhead_AndRecordedOnItsDay()
    {
        var noticed = BreachNotice().State;
        var cure = noticed.Deadlines[0].Milestone;
        Assert.Equal(cure.Date.PlusDays(-3), noticed.NextWake);

        var reminded = LifecycleDecider.Decide(noticed, new TimerFired(), cure.Date.PlusDays(-3));
        var reached = LifecycleDecider.Decide(reminded.State, new TimerFired(), cure.Date);

        Assert.Single(reminded.Commands.OfType<EnqueueNotice>(), n => n.Notice.Id.Contains("reminder/CureDeadline", StringComparison.Ordinal));
        Assert.Single(reached.Commands.OfType<RecordHistory>(), r => r.Entry.Kind == nameof(MilestoneKind.CureDeadline) && r.Entry.Clause == cure.Clause);
    }

    [Fact]
    public void CureDeadline_IsInTheCalendarFeed_TheTimeline_AndTheCrmDeadlineFilter()
    {
        var noticed = BreachNotice().State;
        var cure = noticed.Deadlines[0].Milestone;

        var ics = ContractCalendar.Render(noticed, ContractOverview.Plan(noticed), Instant.FromUtc(2026, 12, 1, 0, 0), Language.En);
        var timeline = ContractTimeline.Build(noticed, [], [], [], D("2026-12-01"));

        Assert.Contains($"DTSTART;VALUE=DATE:{cure.Date:uuuuMMdd}", ics, StringComparison.Ordinal);
        Assert.Contains(timeline, i => i.Planned && i.Kind == nameof(MilestoneKind.CureDeadline) && i.Clause == cure.Clause);
        Assert.Contains(ContractOverview.DeadlinesWithin(noticed, D("2026-12-01"), 31), m => m == cure);
    }

    [Fact]
    public void SameNoticeTwice_UnderAnotherEventId_ChangesNothing()
    {
        var first = BreachNotice();

        var again = LifecycleDecider.Decide(first.State, new ProviderNoticeGiven("cure", D("2026-12-01")) { EventId = "other" }, D("2026-12-02"));

        Assert.Single(again.State.Deadlines);
        Assert.DoesNotContain(again.Commands, c => c is EnqueueNotice);
    }

    [Fact]
    public void ProviderEnd_ReplacesTheCustomersEndMilestone_SoThePlanCitesTheProvidersClause()
    {
        var state = Registered(Storage(), "2026-05-01");

        var ended = LifecycleDecider.Decide(state, new ProviderNoticeGiven("provider-termination", D("2027-06-01")), D("2027-06-01")).State;

        var onTheEnd = ContractOverview.Plan(ended).Where(m => m.Date == ended.Dates.End).ToList();
        Assert.Contains(onTheEnd, m => m.Kind == MilestoneKind.ContractEnd && m.Clause == "§29-3");
        Assert.DoesNotContain(onTheEnd, m => m.Kind == MilestoneKind.CancellationEffective);
    }

    [Fact]
    public void ProviderEndsTwice_TheSecondIsAConflict()
    {
        var state = Registered(Storage(), "2026-05-01");
        var ended = LifecycleDecider.Decide(state, new ProviderNoticeGiven("provider-termination", D("2027-06-01")), D("2027-06-01")).State;

        var refusal = Assert.Throws<ContractRuleException>(() => LifecycleDecider.Decide(ended, new ProviderNoticeGiven("deemed-notice", D("2027-06-02")), D("2027-06-02")));

        Assert.Equal(RefusalKind.Conflict, refusal.Kind);
    }

    [Fact]
    public void StateStoredBeforeEventDeadlines_StillClosesUnderTheProvidersClause()
    {
        var state = Registered(Storage(), "2026-05-01") with { Status = ContractStatus.Ending, ProviderEndClause = "§29-3" };
        state = state with { Dates = state.Dates with { End = D("2027-07-01") } };

        var decision = LifecycleDecider.Decide(state, new TimerFired(), D("2027-07-01"));

        var close = Assert.Single(decision.Commands.OfType<CloseContract>());
        Assert.Equal("§29-3", close.Clause);
    }
}

/// <summary>The date a provider's notice states: required where the clause leaves it to the provider, never earlier than the clause allows.</summary>
public class StatedDateTests
{
    [Fact]
    public void DeemedNotice_WithoutTheStatedStopDate_IsRefusedNamingTheField()
    {
        var state = Registered(Storage(), "2026-05-01");

        var refusal = Assert.Throws<ContractRuleException>(() => LifecycleDecider.Decide(state, new ProviderNoticeGiven("deemed-notice", D("2027-06-01")), D("2027-06-01")));

        Assert.Equal("statedDate", refusal.Field);
    }

    [Fact]
    public void ProviderTermination_OnALaterStatedDate_EndsThereAndCitesTheClause()
    {
        var state = Registered(Storage(), "2026-05-01");

        var decision = LifecycleDecider.Decide(state, new ProviderNoticeGiven("provider-termination", D("2027-06-01"), D("2027-08-15")), D("2027-06-01"));

        Assert.Equal(D("2027-08-15"), decision.State.Dates.End);
        Assert.Equal(D("2027-08-15"), decision.Consequence.EffectiveDate);
        Assert.Contains(ContractOverview.Plan(decision.State), m => m.Date == D("2027-08-15") && m.Kind == MilestoneKind.ContractEnd && m.Clause == "§29-3");
    }

    [Fact]
    public void StatedDateEarlierThanTheClauseAllows_IsRefusedNamingTheClause()
    {
        var state = Registered(Storage(), "2026-05-01");

        var refusal = Assert.Throws<ContractRuleException>(() => LifecycleDecider.Decide(state, new ProviderNoticeGiven("provider-termination", D("2027-06-01"), D("2027-06-20")), D("2027-06-01")));

        Assert.Equal("statedDate", refusal.Field);
        Assert.Equal("§29-3", refusal.Clause);
    }

    [Fact]
    public void LongerCurePeriodThanTheClause_IsTheDeadline()
    {
        var state = Registered(Nec(), "2026-04-01");
        var earliest = LifecycleDecider.Decide(state, new ProviderNoticeGiven("cure", D("2026-12-01")), D("2026-12-01")).State.Deadlines[0].Milestone.Date;

        var decision = LifecycleDecider.Decide(state, new ProviderNoticeGiven("cure", D("2026-12-01"), earliest.PlusDays(10)), D("2026-12-01"));

        Assert.Equal(earliest.PlusDays(10), Assert.Single(decision.State.Deadlines).Milestone.Date);
    }
}
