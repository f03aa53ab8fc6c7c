using System.Text;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Core.Lifecycle.Views;
using CsCheck;
using NodaTime;
using NodaTime.Testing;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Lifecycle.Views;

public class ContractViewsTests
{
    private static readonly Instant Stamp = Tokyo.WakeInstant(D("2026-04-01"));

    [Fact]
    public void Calendar_HasOneAllDayEventPerMilestone_WithItsClause_AndAWeeksAlarmForDeadlines()
    {
        var state = Registered(Nec(), "2026-04-01");
        var plan = ContractOverview.Plan(state);
        var ics = ContractCalendar.Render(state, plan, Stamp, Language.En);
        var unfolded = ics.Replace("\r\n ", string.Empty, StringComparison.Ordinal);

        Assert.Equal(plan.Count, CountOf(unfolded, "BEGIN:VEVENT"));
        Assert.Equal(plan.Count(m => ContractOverview.DeadlineKinds.Contains(m.Kind)), CountOf(unfolded, "TRIGGER:-P7D"));
        // nec-express5800 §2-3: the extension request deadline, 13 months before the usage period ends.
        Assert.Contains("DTSTART;VALUE=DATE:20270228", unfolded, StringComparison.Ordinal);
        Assert.Contains("— C-NEC (§2-3)", unfolded, StringComparison.Ordinal);
        Assert.Equal(plan.Count, unfolded.Split("\r\n").Where(l => l.StartsWith("UID:", StringComparison.Ordinal)).Distinct().Count());
        Assert.Equal(ics, ContractCalendar.Render(state, plan, Stamp, Language.En));
    }

    [Fact]
    public void Calendar_EscapesTextAndFoldsLinesAt75OctetsWithoutSplittingCharacters()
    {
        var state = Registered(Eclect(), "2026-04-01") with { ContractId = "C-ECL" };
        var milestone = new Milestone(D("2026-05-15"), MilestoneKind.CancellationNoticeDeadline, "§27-1",
            new Text("解約の通知期限；前月15日まで、必ず\n書面で（長い説明がここに続きます。長い説明がここに続きます。）", "notice; by the 15th, in writing"));
        var ics = ContractCalendar.Render(state, [milestone], Stamp, Language.Ja);

        foreach (var line in ics.Split("\r\n"))
        {
            Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, line);
            Assert.DoesNotContain('\uFFFD', line);
        }

        var unfolded = ics.Replace("\r\n ", string.Empty, StringComparison.Ordinal);
        Assert.Contains("解約の通知期限；前月15日まで、必ず\\n書面で", unfolded, StringComparison.Ordinal); // full-width punctuation is text, the newline is escaped
        Assert.Contains("notice\\; by the 15th\\, in writing", unfolded, StringComparison.Ordinal);
        Assert.EndsWith("END:VCALENDAR\r\n", ics, StringComparison.Ordinal);
    }

    [Fact]
    public void Calendar_FoldingIsLossless_ForAnyText()
    {
        var state = Registered(Eclect(), "2026-04-01");
        Gen.String[Gen.Char[' ', '\u30FF'], 0, 300].Sample(text =>
        {
            var milestone = new Milestone(D("2026-05-15"), MilestoneKind.TermEnd, "§26", new Text(text, text));
            var ics = ContractCalendar.Render(state, [milestone], Stamp, Language.Ja);
            var summary = ics.Replace("\r\n ", string.Empty, StringComparison.Ordinal).Split("\r\n").Single(l => l.StartsWith("SUMMARY:", StringComparison.Ordinal));
            return ics.Split("\r\n").All(l => Encoding.UTF8.GetByteCount(l) <= 75)
                && summary == "SUMMARY:" + ContractCalendar.Escape(ContractCalendar.Summary(state, milestone, Language.Ja));
        });
    }

    [Fact]
    public void DeadlinesWithin_AreTheCustomersActionDatesInTheWindow()
    {
        var state = Registered(Eclect(start: "2026-03-25"), "2026-06-02");
        var within = ContractOverview.DeadlinesWithin(state, D("2026-06-02"), 13);

        // eclect-aws §27-1: notice by 06-15 to end on 07-20; nothing else falls due from 06-02 to 06-15
        // (March's payment, due Sunday 05-31, moved to Monday 06-01 by 民法 §142).
        var deadline = Assert.Single(within);
        Assert.Equal((D("2026-06-15"), MilestoneKind.CancellationNoticeDeadline, "§27-1"), (deadline.Date, deadline.Kind, deadline.Clause));
        Assert.Equal(deadline, ContractOverview.NextDeadline(state, D("2026-06-02")));
        Assert.Empty(ContractOverview.DeadlinesWithin(state, D("2026-06-02"), 12));
    }

    /// <summary>
    /// Issue 15 point 8: over a contract of any length (one year, NEC's six to 2032, ten) the axis labels never touch
    /// each other and none is cut at the drawing's right edge.
    /// </summary>
    [Theory]
    [InlineData("2027-03-31")]
    [InlineData("2032-03-31")]
    [InlineData("2036-03-31")]
    public void Timeline_AxisLabels_NeverOverlap_AndStayInsideTheDrawing(string end)
    {
        var registration = LifecycleDecider.Decide(Nec(end: end).ToState(), new Registered(), D("2026-04-01"));
        var history = registration.Commands.OfType<RecordHistory>().Select(r => r.Entry).ToList();
        var items = ContractTimeline.Build(registration.State, history, [], [], D("2026-04-01"));

        var html = TimelineHtml.Render(registration.State, items, D("2026-04-01"), Language.Ja);

        var width = double.Parse(System.Text.RegularExpressions.Regex.Match(html, "<svg [^>]*width=\"([0-9]+)\"").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var labels = System.Text.RegularExpressions.Regex.Matches(html, "<text x=\"([0-9.]+)\" y=\"[0-9]+\" text-anchor=\"(middle|end)\">[0-9]{4}-[0-9]{2}</text>")
            .Select(m => (X: double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Anchor: m.Groups[2].Value))
            .ToList();
        Assert.True(labels.Count >= 3, $"{labels.Count} labels");
        // A "yyyy-MM" label at 11 px is about 45 px wide: centres 50 px apart leave room between them.
        Assert.All(labels.Zip(labels.Skip(1)), pair => Assert.True(pair.Second.X - pair.First.X >= 50, $"labels at {pair.First.X} and {pair.Second.X}"));
        Assert.All(labels, label => Assert.True((label.Anchor == "end" ? label.X : label.X + 23) <= width, $"label at {label.X} ({label.Anchor}) cut at {width}"));
    }

    [Fact]
    public void Timeline_ShowsRecordedAndPlannedMilestones_NoticesAndInvoices_InDateOrder()
    {
        var registration = LifecycleDecider.Decide(Eclect().ToState(), new Registered(), D("2026-04-01"));
        var history = registration.Commands.OfType<RecordHistory>().Select(r => r.Entry).ToList();
        var notice = registration.Commands.OfType<EnqueueNotice>().Single().Notice;
        var items = ContractTimeline.Build(registration.State, history, [new TimelineNotice(notice, D("2026-04-01"))], [], D("2026-04-01"));

        Assert.Equal(items.OrderBy(i => i.Date).Select(i => i.Date), items.Select(i => i.Date));
        Assert.Contains(items, i => i.Lane == TimelineLane.Event && i.Kind == "Registered");
        Assert.Contains(items, i => i.Lane == TimelineLane.Milestone && !i.Planned && i.Clause == "§3-3");
        Assert.Contains(items, i => i.Lane == TimelineLane.Notice && !i.Planned && i.Kind == "Registered");
        Assert.All(items.Where(i => i.Planned), i => Assert.True(i.Date > D("2026-04-01")));

        var html = TimelineHtml.Render(registration.State, items, D("2026-04-01"), Language.En);
        Assert.Equal(items.Count, CountOf(html, "<g class=\"mark "));
        Assert.Equal(items.Count, CountOf(html, "<tr class="));
        Assert.Contains("§27-1", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_OfAnotherWritersStateWithTheSameVersion_IsALostRace_NotAReplay()
    {
        // Two rounds read version 1 and both decide version 2; the second must decide again, not believe it saved.
        var stores = InMemoryStores.Create();
        var state = Registered(Eclect(), "2026-04-01");
        Assert.True(await stores.Contracts.TryCreateAsync(state));
        var read = (await stores.Contracts.GetAsync(state.ContractId))!;
        var activities = new ContractActivities(stores, new FakeClock(Stamp));
        var mine = state with { Version = state.Version + 1, Usage = [new MonthUsage(new YearMonth(2026, 4), AwsUsageUsd: 1m, FxRate: 150m)] };
        var theirs = state with { Version = state.Version + 1, Usage = [new MonthUsage(new YearMonth(2026, 5), AwsUsageUsd: 2m, FxRate: 150m)] };

        Assert.True(await activities.SaveAsync(new SaveRequest(theirs, read.ETag, state.NextWake)));
        Assert.False(await activities.SaveAsync(new SaveRequest(mine, read.ETag, state.NextWake)));
        Assert.True(await activities.SaveAsync(new SaveRequest(theirs, read.ETag, state.NextWake))); // a replay of the same save
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;
}
