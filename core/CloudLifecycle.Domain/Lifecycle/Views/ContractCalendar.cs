using System.Globalization;
using System.Text;
using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle.Views;

/// <summary>
/// A contract's milestones as an iCalendar feed (RFC 5545) a person can subscribe to in Outlook or
/// Google Calendar: one all-day event per milestone, its clause in the summary, a reminder a week
/// before each deadline. UIDs are stable per milestone, so a refreshed feed updates events in place.
/// </summary>
public static class ContractCalendar
{
    /// <summary>Reminder lead for deadlines still open (<see cref="ContractOverview.IsOpenDeadline"/>).</summary>
    public const int AlarmDaysBefore = 7;

    private const int MaxLineOctets = 75;

    public static string Render(ContractState state, IReadOnlyList<Milestone> milestones, Instant stamp, Language language, string uidDomain = "cloudlifecycle.invalid")
    {
        var lines = new List<string>
        {
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//CloudLifecycle//Contract deadlines//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:" + Escape(Name(state, language)),
            "X-WR-TIMEZONE:Asia/Tokyo",
            "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
            "X-PUBLISHED-TTL:PT12H",
        };
        var dtstamp = stamp.InUtc().ToString("uuuuMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var uids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var milestone in milestones)
        {
            // Two milestones of one kind on one day (two payments due together) keep distinct, stable UIDs by their order.
            var uid = Uid(state.ContractId, milestone);
            var seen = uids[uid] = uids.GetValueOrDefault(uid) + 1;
            lines.Add("BEGIN:VEVENT");
            lines.Add($"UID:{uid}{(seen > 1 ? $"-{seen}" : string.Empty)}@{uidDomain}");
            lines.Add("DTSTAMP:" + dtstamp);
            lines.Add("DTSTART;VALUE=DATE:" + Day(milestone.Date));
            lines.Add("DTEND;VALUE=DATE:" + Day(milestone.Date.PlusDays(1)));
            lines.Add("SUMMARY:" + Escape(Summary(state, milestone, language)));
            lines.Add("DESCRIPTION:" + Escape($"{milestone.Description.Ja}\n{milestone.Description.En}\n{Clause(milestone)}\n{state.Product} {state.ContractId}"));
            lines.Add("CATEGORIES:" + Escape(milestone.Kind.ToString()));
            lines.Add("TRANSP:TRANSPARENT");
            if (ContractOverview.IsOpenDeadline(state, milestone))
            {
                lines.Add("BEGIN:VALARM");
                lines.Add("ACTION:DISPLAY");
                lines.Add($"TRIGGER:-P{AlarmDaysBefore}D");
                lines.Add("DESCRIPTION:" + Escape(Summary(state, milestone, language)));
                lines.Add("END:VALARM");
            }

            lines.Add("END:VEVENT");
        }

        lines.Add("END:VCALENDAR");
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            Fold(line, text);
        }

        return text.ToString();
    }

    /// <summary>The event summary: what happens, for which contract, under which clause.</summary>
    public static string Summary(ContractState state, Milestone milestone, Language language) =>
        $"{milestone.Description.In(language)} — {state.ContractId} ({Clause(milestone)})";

    /// <summary>TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newline.</summary>
    public static string Escape(string text) => text
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace(";", "\\;", StringComparison.Ordinal)
        .Replace(",", "\\,", StringComparison.Ordinal)
        .Replace("\r\n", "\\n", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>
    /// Content lines end with CRLF and are folded at 75 octets (RFC 5545 §3.1), never inside a UTF-8
    /// sequence: Japanese text is three octets a character.
    /// </summary>
    private static void Fold(string line, StringBuilder output)
    {
        var octets = 0;
        var limit = MaxLineOctets;
        foreach (var rune in line.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (octets + size > limit)
            {
                output.Append("\r\n ");
                octets = 0;
                limit = MaxLineOctets - 1; // the leading space of a continuation line counts
            }

            output.Append(rune.ToString());
            octets += size;
        }

        output.Append("\r\n");
    }

    private static string Name(ContractState state, Language language) => language == Language.En
        ? $"Contract {state.ContractId} ({state.Product})"
        : $"契約 {state.ContractId}（{state.Product}）";

    private static string Clause(Milestone milestone) => milestone.Clause.Length > 0 ? milestone.Clause : "—";

    private static string Day(LocalDate date) => date.ToString("uuuuMMdd", CultureInfo.InvariantCulture);

    private static string Uid(string contractId, Milestone milestone) =>
        string.Concat($"{contractId}-{Day(milestone.Date)}-{milestone.Kind}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '-'));
}
