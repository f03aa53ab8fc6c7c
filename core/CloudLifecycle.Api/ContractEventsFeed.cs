using System.Security.Cryptography;
using System.Text;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;
using NodaTime.Text;

namespace CloudLifecycle.Api;

/// <summary>
/// One thing that happened to a contract, as <c>GET /contracts/{id}/events</c> lists it. <see cref="Type"/>: <c>milestone</c>
/// (a date of the terms reached), <c>event</c> (an event applied: registration, cancellation, usage, payment, provider
/// notice …), <c>notice</c> (an email enqueued for the customer; <see cref="NoticeStatus"/> says whether it was sent yet) or
/// <c>invoice</c> (a document issued, with its number and amount). <see cref="Id"/> is stable: the same item always has it.
/// </summary>
public sealed record ContractEventView(string Id, LocalDate Date, string Type, string Kind, string Clause, Text Description,
    string? InvoiceNumber = null, long? Amount = null, string? NoticeStatus = null);

/// <summary>
/// A page of a contract's events, oldest first. <see cref="Next"/> is the cursor to send as <c>after</c> on the next poll (the
/// position after the last event of this page, or the cursor that was sent when nothing is new); <see cref="More"/> says
/// whether events beyond this page already exist.
/// </summary>
public sealed record ContractEventList(string ContractId, IReadOnlyList<ContractEventView> Events, int Count, string? Next, bool More);

/// <summary>
/// The events feed of one contract, built from what is recorded already: the history (milestones reached, events applied;
/// its invoice lines are taken from the invoices themselves, with their amounts), the outbox (notices) and the invoices.
/// Ordered by date, then milestone, event, notice, invoice, then id. Items are only ever added (history, outbox and invoices
/// are append-only), so a cursor — opaque to the client — tells which of them its holder has been given.
/// </summary>
public static class ContractEventsFeed
{
    private const string CursorVersion = "e2";

    public static IReadOnlyList<ContractEventView> Build(IReadOnlyList<HistoryEntry> history, IReadOnlyList<OutboxItem> notices, IReadOnlyList<Invoice> invoices)
    {
        var events = new List<ContractEventView>();
        foreach (var entry in history.Where(h => !h.Key.StartsWith("invoice/", StringComparison.Ordinal)))
        {
            var type = entry.Key.StartsWith("milestone/", StringComparison.Ordinal) ? "milestone" : "event";
            events.Add(new ContractEventView($"{type}:{entry.Key}", entry.Date, type, MilestoneView.Camel(entry.Kind), entry.Clause, entry.Description));
        }

        // A notice is dated the day it was stored in the outbox (Tokyo), when the contract decided to send it.
        events.AddRange(notices.Select(n => new ContractEventView($"notice:{n.Notice.Id}", Tokyo.Today(n.EnqueuedAt), "notice", MilestoneView.Camel(n.Notice.Kind.ToString()),
            n.Notice.Clause, n.Notice.Subject, NoticeStatus: MilestoneView.Camel(n.Status.ToString()))));
        events.AddRange(invoices.Select(i => new ContractEventView($"invoice:{i.Number}", i.IssueDate, "invoice", MilestoneView.Camel(i.Kind.ToString()), i.DueDateClause,
            new Text($"{i.Number}（{i.Month:uuuu-MM}分、{i.Total:N0}円、支払期日 {i.DueDate:uuuu-MM-dd}）", $"{i.Number} ({i.Month:uuuu-MM}, ¥{i.Total:N0}, due {i.DueDate:uuuu-MM-dd})"),
            InvoiceNumber: i.Number, Amount: i.Total)));
        return events.Select(e => (Event: e, Position: Position.Of(e))).OrderBy(e => e.Position.Date).ThenBy(e => e.Position.Rank).ThenBy(e => e.Position.Id, StringComparer.Ordinal).Select(e => e.Event).ToList();
    }

    /// <summary>
    /// How far back from the latest date a cursor has read it still remembers each event it gave (by a short hash of its
    /// id), so that an event recorded later with an earlier date — the contract's round catching up a milestone, a payment
    /// posted with its paidOn — is still given once, when it is at most this many days older than the newest read.
    /// </summary>
    public const int LookBackDays = 62;

    private const int HashBytes = 6;

    /// <summary>
    /// The events not given yet to the holder of <paramref name="cursor"/> (all when null), oldest first, at most
    /// <paramref name="limit"/>. The cursor remembers the newest date it has read and the events it gave from
    /// <see cref="LookBackDays"/> before it: events dated after it, and events of those days it did not give, are new.
    /// </summary>
    public static ContractEventList Page(string contractId, IReadOnlyList<ContractEventView> events, string? cursor, int limit)
    {
        var read = cursor is null ? null : Decode(cursor);
        var remaining = read is { } given
            ? events.Where(e => e.Date >= given.Newest.PlusDays(-LookBackDays) && !given.Seen.Contains(Hash(e.Id))).ToList()
            : events.ToList();
        var page = remaining.Take(limit).ToList();
        var newest = page.Select(e => e.Date).Append(read?.Newest ?? LocalDate.MinIsoValue).Max();
        var seen = new HashSet<string>(read?.Seen ?? new HashSet<string>(), StringComparer.Ordinal);
        seen.UnionWith(page.Select(e => Hash(e.Id)));
        var kept = events.Where(e => e.Date >= newest.PlusDays(-LookBackDays)).Select(e => Hash(e.Id)).Where(seen.Contains).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var next = page.Count == 0 && read is null ? null : Encode(newest, kept);
        return new ContractEventList(contractId, page, page.Count, next, remaining.Count > page.Count);
    }

    private static string Hash(string id) => Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(id)).AsSpan(0, HashBytes).ToArray());

    /// <summary>A cursor: the newest date read and the hashes of the events given since <see cref="LookBackDays"/> before it, base64url.</summary>
    private static string Encode(LocalDate newest, IReadOnlyList<string> seen) =>
        Base64Url(Encoding.UTF8.GetBytes($"{CursorVersion}\n{newest:uuuu-MM-dd}\n{string.Concat(seen)}"));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (LocalDate Newest, IReadOnlySet<string> Seen)? Decode(string cursor)
    {
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')));
            var parts = text.Split('\n');
            var date = parts.Length == 3 && parts[0] == CursorVersion ? LocalDatePattern.Iso.Parse(parts[1]) : null;
            var hashLength = Base64Url(new byte[HashBytes]).Length;
            if (date is { Success: true } && parts[2].Length % hashLength == 0)
            {
                return (date.Value, Enumerable.Range(0, parts[2].Length / hashLength).Select(i => parts[2].Substring(i * hashLength, hashLength)).ToHashSet(StringComparer.Ordinal));
            }
        }
        catch (FormatException)
        {
            // not base64: refused below like any other text that is not a cursor
        }

        throw ApiException.BadRequest("after", "is not a cursor of this feed (send the next of a previous page as it was given)");
    }

    /// <summary>Where an event stands in the feed: its date, then milestones, events, notices, invoices, then its id (ordinal).</summary>
    private readonly record struct Position(LocalDate Date, int Rank, string Id)
    {
        public static Position Of(ContractEventView e) => new(e.Date, e.Type switch { "milestone" => 0, "event" => 1, "notice" => 2, _ => 3 }, e.Id);
    }
}
