using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;
using NodaTime.Text;

namespace CloudLifecycle.Core.Application;

/// <summary>The event types a webhook carries (its payload's <c>type</c>).</summary>
public static class WebhookTypes
{
    public const string ContractStateChanged = "contract.state_changed";
    public const string NoticeSent = "notice.sent";
    public const string InvoiceIssued = "invoice.issued";

    public static IReadOnlyList<string> All { get; } = [ContractStateChanged, NoticeSent, InvoiceIssued];
}

/// <summary>
/// One outgoing webhook as stored: its deterministic <see cref="Id"/> (the <c>webhook-id</c> header on every attempt, the
/// receiver's idempotency key) and the exact JSON <see cref="Body"/> every attempt sends and signs.
/// </summary>
public sealed record WebhookEvent(string Id, string Type, LocalDate OccurredAt, string ContractId, string Body);

/// <summary>Where a webhook is in its delivery.</summary>
public enum WebhookStatus
{
    Pending,

    /// <summary>Claimed by one deliverer, which is POSTing it now; <see cref="WebhookItem.NextAttemptAt"/> is the end of its lease.</summary>
    Sending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Given up (retried for <see cref="WebhookOptions.GiveUpAfter"/>, or answered 410 Gone); kept and listed.</summary>
    Failed,
}

/// <summary>A webhook in the outbox with its delivery record; <see cref="Version"/> is the stored row's ETag.</summary>
public sealed record WebhookItem(
    WebhookEvent Event,
    Instant EnqueuedAt,
    WebhookStatus Status,
    int Attempts,
    Instant NextAttemptAt,
    Instant? DeliveredAt = null,
    int? LastStatusCode = null,
    string? LastError = null,
    string? Version = null);

/// <summary>One POST: the Standard Webhooks headers (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>) and the body.</summary>
public sealed record WebhookRequest(string Id, long Timestamp, string Signature, string Body);

/// <summary>
/// The signing secret as Standard Webhooks gives it: <c>whsec_</c> then the base64 of 24 to 64 random bytes. The key is
/// the decoded bytes (not the text).
/// </summary>
public sealed class WebhookSecret
{
    public const string Prefix = "whsec_";
    public const int MinBytes = 24;
    public const int MaxBytes = 64;

    private WebhookSecret(byte[] key) => Key = key;

    /// <summary>The HMAC key: the secret's decoded bytes.</summary>
    public ReadOnlyMemory<byte> Key { get; }

    /// <summary>Why <paramref name="text"/> cannot be a secret, or null when it can.</summary>
    public static string? Problem(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return $"must start with '{Prefix}' followed by base64 (Standard Webhooks secret)";
        }

        var bytes = Decode(text);
        return bytes is null ? $"is not '{Prefix}' followed by base64"
            : bytes.Length < MinBytes ? $"is too short: {bytes.Length} bytes after '{Prefix}', at least {MinBytes} random bytes are needed"
            : bytes.Length > MaxBytes ? $"is too long: {bytes.Length} bytes after '{Prefix}', at most {MaxBytes}"
            : null;
    }

    public static WebhookSecret Parse(string text) =>
        Problem(text) is { } problem ? throw new ArgumentException($"webhook secret {problem}", nameof(text)) : new WebhookSecret(Decode(text)!);

    private static byte[]? Decode(string text)
    {
        var base64 = text[Prefix.Length..];
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? buffer[..written] : null;
    }
}

/// <summary>The sender's signature: <c>v1,</c> then base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")) (Standard Webhooks).</summary>
public static class WebhookSignature
{
    public static string Sign(WebhookSecret secret, string id, long timestamp, string body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(secret.Key.Span, Encoding.UTF8.GetBytes(FormattableString.Invariant($"{id}.{timestamp}.{body}"))));
}

/// <summary>
/// The payloads, built from what a command batch records (no clock: an event's date is the date it records), so the same
/// batch always gives the same ids and bodies: <c>{ id, type, occurredAt, contractId, data }</c>, dates <c>yyyy-MM-dd</c>,
/// amounts integer yen, the clause where there is one.
/// </summary>
public static class WebhookEvents
{
    /// <summary>
    /// The history kinds that are a change of the contract's state, one <c>contract.state_changed</c> each: registered,
    /// a cancellation received (it now ends), an extension approved (it runs on), a provider's notice (its termination or a
    /// suspension announced), the suspension in effect, the service resumed, the contract closed. Other entries (usage, a
    /// payment, a plan change, a deadline reached) change no state and are in the events feed only.
    /// </summary>
    public static IReadOnlySet<string> StateChanges { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Registered", "CancellationReceived", "ExtensionApproved", "ProviderNotice", nameof(MilestoneKind.ServiceSuspended), "ServiceResumed", "ContractClosed",
    };

    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The webhooks of one executed batch: a state change per such history entry, an <c>invoice.issued</c> per document.</summary>
    public static IReadOnlyList<WebhookEvent> ForBatch(IEnumerable<RecordHistory> history, IEnumerable<Invoice> invoices) =>
        history.Where(h => StateChanges.Contains(h.Entry.Kind)).Select(h => StateChanged(h.ContractId, h.Entry))
            .Concat(invoices.Select(InvoiceIssued))
            .DistinctBy(e => e.Id)
            .ToList();

    public static WebhookEvent StateChanged(string contractId, HistoryEntry entry) =>
        Build($"contract/{contractId}/{entry.Key}", WebhookTypes.ContractStateChanged, entry.Date, contractId, data =>
        {
            data.WriteString("change", LifecycleJson.Camel(entry.Kind));
            data.WriteString("date", LifecycleJson.Iso(entry.Date));
            Clause(data, entry.Clause);
            WriteText(data, "description", entry.Description);
            data.WriteString("historyKey", entry.Key);
        });

    /// <summary>Any issued document: a month's invoice, late interest, termination charges, a payout, a credit note or corrected invoice.</summary>
    public static WebhookEvent InvoiceIssued(Invoice invoice) =>
        Build($"invoice/{invoice.Number}", WebhookTypes.InvoiceIssued, invoice.IssueDate, invoice.ContractId, data =>
        {
            data.WriteString("number", invoice.Number);
            data.WriteString("kind", LifecycleJson.Camel(invoice.Kind.ToString()));
            data.WriteString("month", YearMonthPattern.Iso.Format(invoice.Month));
            data.WriteString("issueDate", LifecycleJson.Iso(invoice.IssueDate));
            data.WriteString("dueDate", LifecycleJson.Iso(invoice.DueDate));
            Clause(data, invoice.DueDateClause);
            data.WriteNumber("subtotal", invoice.Subtotal);
            data.WriteNumber("tax", invoice.Tax);
            data.WriteNumber("total", invoice.Total);
            if (invoice.Refers is { } refers)
            {
                data.WriteString("refers", refers);
            }

            if (invoice.Correction is { } correction)
            {
                data.WriteString("corrects", correction.Number);
            }
        });

    /// <summary>A notice the mail server accepted at <paramref name="sentAt"/>; it occurred on that day in Tokyo.</summary>
    public static WebhookEvent NoticeSent(Notice notice, Instant sentAt) =>
        Build($"notice/{notice.Id}", WebhookTypes.NoticeSent, Tokyo.Today(sentAt), notice.ContractId, data =>
        {
            data.WriteString("noticeId", notice.Id);
            data.WriteString("kind", LifecycleJson.Camel(notice.Kind.ToString()));
            data.WriteString("date", LifecycleJson.Iso(notice.Date));
            Clause(data, notice.Clause);
            WriteText(data, "subject", notice.Subject);
            data.WriteString("sentAt", InstantPattern.ExtendedIso.Format(sentAt));
            if (notice.InvoiceNumber is { } number)
            {
                data.WriteString("invoiceNumber", number);
            }
        });

    private static WebhookEvent Build(string id, string type, LocalDate occurredAt, string contractId, Action<Utf8JsonWriter> writeData)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, Writer))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("type", type);
            json.WriteString("occurredAt", LifecycleJson.Iso(occurredAt));
            json.WriteString("contractId", contractId);
            json.WriteStartObject("data");
            writeData(json);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return new WebhookEvent(id, type, occurredAt, contractId, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private static void Clause(Utf8JsonWriter data, string? clause)
    {
        if (!string.IsNullOrEmpty(clause))
        {
            data.WriteString("clause", clause);
        }
    }

    private static void WriteText(Utf8JsonWriter data, string name, Text text)
    {
        data.WriteStartObject(name);
        data.WriteString("ja", text.Ja);
        data.WriteString("en", text.En);
        data.WriteEndObject();
    }
}

/// <summary>
/// How webhooks are retried. Attempt n that fails waits a back-off of 1, 2, 4 … minutes, capped at
/// <see cref="MaxBackOffMinutes"/>, less a spread of up to a fifth of it; an event whose next attempt would come later than
/// <see cref="GiveUpAfter"/> after it was enqueued, and that was tried <see cref="MinAttempts"/> times, is given up (status
/// failed, kept). <see cref="LeaseMinutes"/> is how long a
/// claim holds a row against other deliverers; it must outlast <see cref="Timeout"/>.
/// </summary>
public sealed record WebhookOptions(int BatchSize = 100, int LeaseMinutes = 5, int MaxBackOffMinutes = 60)
{
    public Duration GiveUpAfter { get; init; } = Duration.FromDays(3);

    /// <summary>
    /// The attempts an event gets before it may be given up, however old it is: events recorded while every deliverer was
    /// down (a host stopped for days) are still tried for a few hours (1+2+…+32 minutes, then hourly) before they fail.
    /// </summary>
    public int MinAttempts { get; init; } = 10;

    /// <summary>How long a POST may take before it counts as failed (the HTTP adapter's timeout).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The wait after failed attempt <paramref name="attempt"/> (1 for the first): min(2^(attempt−1), max) minutes, less up to
    /// 20 % by a spread drawn from the event id and attempt. Jitter matters when a receiver comes back after an outage and
    /// every event that failed during it is due at once; a spread that is a function of the event keeps the pass
    /// reproducible (the application draws no random numbers) and still scatters different events.
    /// </summary>
    public Duration BackOff(int attempt, string eventId)
    {
        var minutes = Math.Min(MaxBackOffMinutes, 1L << Math.Clamp(attempt - 1, 0, 30));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{eventId}#{attempt}")));
        var spread = BitConverter.ToUInt16(hash, 0) / (double)ushort.MaxValue * 0.2;
        return Duration.FromSeconds(Math.Round(minutes * 60 * (1 - spread)));
    }
}

/// <summary>What one webhook pass did; <see cref="ClaimedElsewhere"/> counts events another deliverer claimed first.</summary>
public sealed record WebhookDeliveryReport(int Delivered, int Retrying, int Failed, int ClaimedElsewhere);

/// <summary>
/// Delivers the webhook outbox to the configured endpoint: each due event is first claimed with a conditional update
/// (the row's ETag) to "sending" under a lease, so of any number of deliverers (hosts, Function instances) one POSTs it at
/// a time; then signed for this attempt (same <c>webhook-id</c>, this attempt's <c>webhook-timestamp</c>) and POSTed. 2xx:
/// delivered. 410 Gone: the receiver wants no more of it — failed at once. Anything else, a timeout or no connection:
/// retried after <see cref="WebhookOptions.BackOff"/> until <see cref="WebhookOptions.GiveUpAfter"/>. At least once: a
/// deliverer that dies after the POST and before recording it leaves a claim that expires and is POSTed again, under the
/// same id.
/// </summary>
public sealed class WebhookDelivery(IWebhookOutbox outbox, IWebhookSender sender, WebhookSecret secret, IClock clock, WebhookOptions options)
{
    public async Task<WebhookDeliveryReport> DeliverAsync(CancellationToken cancellationToken = default)
    {
        var due = await outbox.DueAsync(clock.GetCurrentInstant(), options.BatchSize, cancellationToken).ConfigureAwait(false);
        int delivered = 0, retrying = 0, failed = 0, claimedElsewhere = 0;
        foreach (var candidate in due)
        {
            var item = await ClaimAsync(candidate, cancellationToken).ConfigureAwait(false);
            if (item is null)
            {
                claimedElsewhere++;
                continue;
            }

            if (item.Status == WebhookStatus.Failed)
            {
                failed++;
                continue;
            }

            var outcome = await AttemptAsync(item, cancellationToken).ConfigureAwait(false);
            // Conditional on our claim: if the lease ran out and another deliverer took the event, its record stands.
            await outbox.TryUpdateAsync(outcome, cancellationToken).ConfigureAwait(false);
            switch (outcome.Status)
            {
                case WebhookStatus.Delivered:
                    delivered++;
                    break;
                case WebhookStatus.Failed:
                    failed++;
                    break;
                default:
                    retrying++;
                    break;
            }
        }

        return new WebhookDeliveryReport(delivered, retrying, failed, claimedElsewhere);
    }

    /// <summary>The Standard Webhooks request for one attempt at <paramref name="at"/>.</summary>
    public WebhookRequest Request(WebhookEvent webhook, Instant at)
    {
        var timestamp = at.ToUnixTimeSeconds();
        return new WebhookRequest(webhook.Id, timestamp, WebhookSignature.Sign(secret, webhook.Id, timestamp, webhook.Body), webhook.Body);
    }

    private async Task<WebhookItem> AttemptAsync(WebhookItem item, CancellationToken cancellationToken)
    {
        int status;
        try
        {
            status = await sender.PostAsync(Request(item.Event, clock.GetCurrentInstant()), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return Retry(item, null, $"{e.GetType().Name}: {e.Message}");
        }

        var now = clock.GetCurrentInstant();
        return status is >= 200 and < 300 ? item with { Status = WebhookStatus.Delivered, DeliveredAt = now, LastStatusCode = status, LastError = null }
            : status == 410 ? item with { Status = WebhookStatus.Failed, LastStatusCode = status, LastError = "the receiver answered 410 Gone: not retried" }
            : Retry(item, status, FormattableString.Invariant($"the receiver answered {status}"));
    }

    private WebhookItem Retry(WebhookItem item, int? status, string error)
    {
        var next = clock.GetCurrentInstant() + options.BackOff(item.Attempts, item.Event.Id);
        return next > item.EnqueuedAt + options.GiveUpAfter && item.Attempts >= options.MinAttempts
            ? item with { Status = WebhookStatus.Failed, LastStatusCode = status, LastError = $"{error}; given up after {item.Attempts} attempts" }
            : item with { Status = WebhookStatus.Pending, NextAttemptAt = next, LastStatusCode = status, LastError = error };
    }

    /// <summary>
    /// Takes the event for this deliverer: "sending", one more attempt, leased until now + the lease; null when another
    /// deliverer changed the row first. An expired claim past the give-up time (and tried often enough) is given up instead of being sent again.
    /// </summary>
    private async Task<WebhookItem?> ClaimAsync(WebhookItem candidate, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var expiredClaim = candidate.Status == WebhookStatus.Sending;
        if (expiredClaim && now > candidate.EnqueuedAt + options.GiveUpAfter && candidate.Attempts >= options.MinAttempts)
        {
            return await outbox.TryUpdateAsync(candidate with { Status = WebhookStatus.Failed, LastError = $"no answer recorded after {candidate.Attempts} attempts (each claim's lease expired)" }, cancellationToken).ConfigureAwait(false);
        }

        return await outbox.TryUpdateAsync(candidate with
        {
            Status = WebhookStatus.Sending,
            Attempts = candidate.Attempts + 1,
            NextAttemptAt = now + Duration.FromMinutes(options.LeaseMinutes),
            LastError = expiredClaim ? "the previous claim's lease expired without a recorded answer: sent again under the same webhook-id" : candidate.LastError,
        }, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// How a receiver checks a webhook (Standard Webhooks), for a .NET receiver and the tests' receivers: the timestamp within
/// the tolerance of its clock (a replayed old request is refused), and one of the space-separated <c>v1,</c> signatures
/// equal, compared in constant time, to the HMAC-SHA256 of <c>{webhook-id}.{webhook-timestamp}.{raw body}</c> under the
/// secret's decoded bytes. It works on the raw body as received: a body parsed and written again would not verify.
/// </summary>
public static class WebhookVerification
{
    public static readonly Duration DefaultTolerance = Duration.FromMinutes(5);

    /// <summary>Null when the request is authentic; otherwise why not.</summary>
    public static string? Problem(string secret, string? id, string? timestamp, string? signatures, string body, Instant now, Duration? tolerance = null)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
        {
            return "missing webhook-id, webhook-timestamp or webhook-signature";
        }

        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return "webhook-timestamp is not unix seconds";
        }

        var sentAt = Instant.FromUnixTimeSeconds(seconds);
        var allowed = tolerance ?? DefaultTolerance;
        if (sentAt < now - allowed || sentAt > now + allowed)
        {
            return "webhook-timestamp is outside the tolerance";
        }

        var key = Convert.FromBase64String(secret.StartsWith(WebhookSecret.Prefix, StringComparison.Ordinal) ? secret[WebhookSecret.Prefix.Length..] : secret);
        using var hmac = new HMACSHA256(key);
        var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes(id + "." + timestamp + "." + body));
        foreach (var candidate in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = candidate.IndexOf(',', StringComparison.Ordinal);
            if (comma > 0 && candidate[..comma] == "v1" && TryBase64(candidate[(comma + 1)..]) is { } given && CryptographicOperations.FixedTimeEquals(given, expected))
            {
                return null;
            }
        }

        return "no v1 signature matches";
    }

    private static byte[]? TryBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}
