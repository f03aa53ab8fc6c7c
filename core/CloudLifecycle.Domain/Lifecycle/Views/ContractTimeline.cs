using System.Globalization;
using System.Text;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Billing.Rendering;
using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle.Views;

/// <summary>The rows of a contract's timeline drawing.</summary>
public enum TimelineLane
{
    Milestone,
    Event,
    Notice,
    Invoice,
}

/// <summary>One mark on the timeline: a milestone (reached or planned), an event, a notice or an invoice, with its clause.</summary>
public sealed record TimelineItem(LocalDate Date, TimelineLane Lane, string Kind, Text Description, string Clause, bool Planned = false, long? Amount = null);

/// <summary>A notice as the timeline shows it: sent (on which day) or still waiting in the outbox.</summary>
public sealed record TimelineNotice(Notice Notice, LocalDate? SentOn, bool Failed = false);

/// <summary>
/// Gathers everything that happened to a contract and everything still planned: recorded milestones
/// and events from its history, the milestones still ahead from its plan, its notices and its invoices.
/// </summary>
public static class ContractTimeline
{
    public static IReadOnlyList<TimelineItem> Build(ContractState state, IReadOnlyList<HistoryEntry> history, IReadOnlyList<TimelineNotice> notices, IReadOnlyList<Invoice> invoices, LocalDate today)
    {
        var items = new List<TimelineItem>();
        foreach (var entry in history)
        {
            if (entry.Key.StartsWith("invoice/", StringComparison.Ordinal))
            {
                continue; // drawn from the invoice itself, with its amount
            }

            var lane = entry.Key.StartsWith("milestone/", StringComparison.Ordinal) ? TimelineLane.Milestone : TimelineLane.Event;
            items.Add(new TimelineItem(entry.Date, lane, entry.Kind, entry.Description, entry.Clause));
        }

        // Milestones are recorded as the contract's days pass; those after the last processed day are still planned.
        var plannedFrom = state.ProcessedThrough?.PlusDays(1) ?? state.Dates.Start;
        items.AddRange(ContractOverview.Plan(state)
            .Where(m => m.Date >= plannedFrom)
            .Select(m => new TimelineItem(m.Date, TimelineLane.Milestone, m.Kind.ToString(), m.Description, m.Clause, Planned: true)));
        items.AddRange(notices.Select(n => new TimelineItem(
            n.SentOn ?? n.Notice.Date, TimelineLane.Notice, n.Notice.Kind.ToString(),
            n.SentOn is null ? new Text($"{n.Notice.Subject.Ja}（{(n.Failed ? "送信失敗" : "送信待ち")}）", $"{n.Notice.Subject.En} ({(n.Failed ? "delivery failed" : "waiting to be sent")})") : n.Notice.Subject,
            n.Notice.Clause, Planned: n.SentOn is null)));
        items.AddRange(invoices.Select(i => new TimelineItem(
            i.IssueDate, TimelineLane.Invoice, "InvoiceIssued",
            new Text($"{i.Number}（{i.Month:uuuu-MM}分、{i.Total:N0}円、支払期日 {i.DueDate:uuuu-MM-dd}）", $"{i.Number} ({i.Month:uuuu-MM}, ¥{i.Total:N0}, due {i.DueDate:uuuu-MM-dd})"),
            i.DueDateClause, Amount: i.Total)));
        return items.OrderBy(i => i.Date).ThenBy(i => i.Lane).ThenBy(i => i.Kind, StringComparer.Ordinal).ToList();
    }
}

/// <summary>
/// The timeline as an HTML page: an SVG drawing with one row per lane and a mark per item (its
/// tooltip gives the date, the text and the clause), a line for today, and the same items as a table.
/// Self-contained (no script, no external style), so it can be saved or printed.
/// </summary>
public static class TimelineHtml
{
    private const int Width = 1100;
    private const int Left = 110;
    private const int Right = 20;
    private const int LaneHeight = 56;
    private const int Top = 30;

    private static readonly Dictionary<TimelineLane, (string Colour, Text Label)> Lanes = new()
    {
        [TimelineLane.Milestone] = ("#1f6feb", new Text("マイルストーン", "Milestones")),
        [TimelineLane.Event] = ("#8250df", new Text("イベント", "Events")),
        [TimelineLane.Notice] = ("#1a7f37", new Text("通知メール", "Notices")),
        [TimelineLane.Invoice] = ("#bf8700", new Text("請求書", "Invoices")),
    };

    public static string Render(ContractState state, IReadOnlyList<TimelineItem> items, LocalDate today, Language language)
    {
        var from = Min(state.Dates.Start, items.Count > 0 ? items.Min(i => i.Date) : state.Dates.Start).ToYearMonth().OnDayOfMonth(1);
        var lastItem = items.Count > 0 ? items.Max(i => i.Date) : today;
        var through = Max(Max(lastItem, today), from.PlusMonths(1)).ToYearMonth().PlusMonths(1).OnDayOfMonth(1);
        var span = Period.Between(from, through, PeriodUnits.Days).Days;
        double X(LocalDate date) => Left + ((double)Period.Between(from, date, PeriodUnits.Days).Days / span * (Width - Left - Right));

        var html = new StringBuilder();
        var title = language == Language.En ? $"Contract {state.ContractId} — timeline" : $"契約 {state.ContractId} のタイムライン";
        html.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html><html lang=\"{(language == Language.En ? "en" : "ja")}\"><head><meta charset=\"utf-8\"><title>{E(title)}</title>");
        html.Append("<style>body{font-family:system-ui,'Hiragino Sans','Noto Sans JP',sans-serif;margin:24px;color:#1f2328}table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #d0d7de;padding:4px 8px;text-align:left}td.clause{white-space:nowrap}tr.planned td{color:#57606a;font-style:italic}svg text{font-size:11px;fill:#1f2328}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{E(title)}</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(state.Product.Code)} · {E(state.Customer.Name)} · {E(Status(state, language))} · {E(language == Language.En ? "start" : "開始")} {Iso(state.Dates.Start)}{(state.PlanningDates.End is { } end ? $" · {E(language == Language.En ? "end" : "終了")} {Iso(end)}" : string.Empty)} · {E(language == Language.En ? "today" : "本日")} {Iso(today)}</p>");

        var height = Top + (Lanes.Count * LaneHeight) + 30;
        html.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" role=\"img\" aria-label=\"{E(title)}\">");
        var labelEvery = MonthsPerLabel(from, through);
        foreach (var month in MonthTicks(from, through))
        {
            var x = X(month);
            html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" y1=\"{Top - 8}\" x2=\"{x:0.#}\" y2=\"{height - 24}\" stroke=\"#eaeef2\"/>");
            if (((month.Year * 12) + month.Month - 1) % labelEvery == 0)
            {
                html.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{height - 10}\" text-anchor=\"{Anchor(x, LabelWidth)}\">{month:uuuu-MM}</text>");
            }
        }

        foreach (var (lane, index) in Lanes.Keys.Select((lane, index) => (lane, index)))
        {
            var y = Top + (index * LaneHeight) + (LaneHeight / 2);
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"8\" y=\"{y + 4}\">{E(Lanes[lane].Label.In(language))}</text><line x1=\"{Left}\" y1=\"{y}\" x2=\"{Width - Right}\" y2=\"{y}\" stroke=\"#d0d7de\"/>");
            foreach (var item in items.Where(i => i.Lane == lane))
            {
                html.Append(Mark(item, X(item.Date), y, Lanes[lane].Colour, language));
            }
        }

        var todayX = X(today);
        html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{todayX:0.#}\" y1=\"{Top - 12}\" x2=\"{todayX:0.#}\" y2=\"{height - 24}\" stroke=\"#cf222e\" stroke-dasharray=\"4 3\"/><text x=\"{todayX:0.#}\" y=\"{Top - 16}\" text-anchor=\"{Anchor(todayX, LabelWidth)}\" fill=\"#cf222e\">{E(language == Language.En ? "today" : "本日")}</text>");
        html.Append("</svg>");

        html.Append(CultureInfo.InvariantCulture, $"<table><thead><tr><th scope=\"col\">{E(language == Language.En ? "Date" : "日付")}</th><th scope=\"col\">{E(language == Language.En ? "Lane" : "種別")}</th><th scope=\"col\">{E(language == Language.En ? "What" : "内容")}</th><th scope=\"col\">{E(language == Language.En ? "Clause" : "条項")}</th></tr></thead><tbody>");
        foreach (var item in items)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{(item.Planned ? "planned" : "done")}\" data-lane=\"{item.Lane.ToString().ToLowerInvariant()}\"><td>{Iso(item.Date)}</td><td>{E(Lanes[item.Lane].Label.In(language))}</td><td>{E(item.Description.In(language))}{(item.Planned ? E(language == Language.En ? " (planned)" : "（予定）") : string.Empty)}</td><td class=\"clause\">{E(item.Clause)}</td></tr>");
        }

        html.Append("</tbody></table></body></html>");
        return html.ToString();
    }

    private static string Mark(TimelineItem item, double x, int y, string colour, Language language)
    {
        var tooltip = E($"{Iso(item.Date)} {item.Description.In(language)}{(item.Clause.Length > 0 ? $" ({item.Clause})" : string.Empty)}{(item.Planned ? (language == Language.En ? " — planned" : "（予定）") : string.Empty)}");
        var fill = item.Planned ? "#ffffff" : colour;
        var shape = item.Lane switch
        {
            TimelineLane.Invoice => $"<rect x=\"{x - 5:0.#}\" y=\"{y - 5}\" width=\"10\" height=\"10\" transform=\"rotate(45 {x:0.#} {y})\" fill=\"{fill}\" stroke=\"{colour}\"/>",
            TimelineLane.Notice => $"<rect x=\"{x - 6:0.#}\" y=\"{y - 4}\" width=\"12\" height=\"8\" fill=\"{fill}\" stroke=\"{colour}\"/>",
            TimelineLane.Event => $"<path d=\"M{x:0.#} {y - 6} L{x + 6:0.#} {y + 5} L{x - 6:0.#} {y + 5} Z\" fill=\"{fill}\" stroke=\"{colour}\"/>",
            _ => $"<circle cx=\"{x:0.#}\" cy=\"{y}\" r=\"5\" fill=\"{fill}\" stroke=\"{colour}\" stroke-width=\"1.5\"/>",
        };
        return string.Create(CultureInfo.InvariantCulture, $"<g class=\"mark {item.Lane.ToString().ToLowerInvariant()}{(item.Planned ? " planned" : string.Empty)}\" data-date=\"{Iso(item.Date)}\" data-clause=\"{E(item.Clause)}\"><title>{tooltip}</title>{shape}</g>");
    }

    /// <summary>The widest axis label ("2032-10" at 11 px, or 本日/today), in pixels, with a margin.</summary>
    private const int LabelWidth = 48;

    /// <summary>The least room between two axis labels' centres, so that they never touch.</summary>
    private const int LabelPitch = 64;

    /// <summary>
    /// How many months apart the axis labels are: the quarters while they fit, then half-years, years, two years…
    /// A six-year contract (nec-express5800 to 2032) squeezed quarterly labels into each other (issue 15 point 8).
    /// </summary>
    internal static int MonthsPerLabel(LocalDate from, LocalDate through)
    {
        var months = Math.Max(1, Period.Between(from, through, PeriodUnits.Months).Months);
        var pixelsPerMonth = (double)(Width - Left - Right) / months;
        int[] steps = [3, 6, 12, 24, 60, 120];
        return steps.FirstOrDefault(step => step * pixelsPerMonth >= LabelPitch, steps[^1]);
    }

    /// <summary>A label centred on its mark, unless that would cut it at the drawing's right edge: then it ends at the mark.</summary>
    private static string Anchor(double x, int width) => x + (width / 2.0) > Width ? "end" : "middle";

    private static IEnumerable<LocalDate> MonthTicks(LocalDate from, LocalDate through)
    {
        for (var month = from; month <= through; month = month.PlusMonths(1))
        {
            yield return month;
        }
    }

    private static string Status(ContractState state, Language language) => (state.Status, language) switch
    {
        (ContractStatus.Active, Language.En) => "active",
        (ContractStatus.Ending, Language.En) => "ending",
        (ContractStatus.Closed, Language.En) => "closed",
        (ContractStatus.Suspended, Language.En) => "suspended (non-payment)",
        (ContractStatus.Active, _) => "契約中",
        (ContractStatus.Ending, _) => "終了予定",
        (ContractStatus.Suspended, _) => "利用停止中（料金未払い）",
        _ => "終了",
    };

    private static string E(string text) => InvoiceHtml.Escape(text);

    private static string Iso(LocalDate date) => date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);

    private static LocalDate Min(LocalDate a, LocalDate b) => a < b ? a : b;

    private static LocalDate Max(LocalDate a, LocalDate b) => a > b ? a : b;
}
