using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Core.Application;

/// <summary>
/// A contract state as stored, with the store's concurrency token and the transactional outbox of the row:
/// <see cref="PendingCommands"/> are the commands of the decision that produced <see cref="State"/>, written in the
/// same conditional write as the state and not yet known to have run. Whoever loads the row runs them (every command
/// is an upsert under a deterministic key) before deciding anything new from it; a row stored before this column
/// existed reads as none pending.
/// </summary>
public sealed record StoredContract(ContractState State, string ETag)
{
    public IReadOnlyList<LifecycleCommand> PendingCommands { get; init; } = [];
}

/// <summary>What <see cref="IContractStore.ReplaceManyAsync"/> did: the ids another writer changed first, and the new ETag of each row written.</summary>
public sealed record ReplaceManyResult(IReadOnlyList<string> Conflicts, IReadOnlyDictionary<string, string> ETags);

/// <summary>Another writer changed the contract since it was read; read again and decide again.</summary>
public sealed class ConcurrencyException(string contractId)
    : Exception($"contract {contractId} was changed by another writer")
{
    public string ContractId { get; } = contractId;
}

/// <summary>Contract states (Table Storage: one row per contract, ETag concurrency).</summary>
public interface IContractStore
{
    Task<StoredContract?> GetAsync(string contractId, CancellationToken cancellationToken = default);

    /// <summary>Adds a new contract with the commands of its decision pending (one write); false when the id is taken.</summary>
    Task<bool> TryCreateAsync(ContractState state, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the stored state and its pending commands (one write) if its ETag is still <paramref name="etag"/>;
    /// otherwise <see cref="ConcurrencyException"/>. Returns the new ETag.
    /// </summary>
    Task<string> ReplaceAsync(ContractState state, string etag, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces many states with their <see cref="StoredContract.PendingCommands"/>, each under its ETag (entity-group
    /// batches where the store has them); returns the ids that conflicted and the new ETags of the others.
    /// </summary>
    Task<ReplaceManyResult> ReplaceManyAsync(IReadOnlyList<StoredContract> states, CancellationToken cancellationToken = default);

    /// <summary>
    /// Clears the pending commands of each row that is still at its <see cref="StoredContract.ETag"/> (the commands
    /// ran), leaving its state as stored; a row another writer changed since is a conflict and keeps what that writer
    /// stored. Returns the conflicts and the new ETags. Only the row's outbox changes, so a store that can update part
    /// of a row under its ETag (Table Storage: a conditional merge) writes no state; by default, the state is written
    /// again with nothing pending (<see cref="ReplaceManyAsync"/>), the same outcome.
    /// </summary>
    Task<ReplaceManyResult> ClearPendingManyAsync(IReadOnlyList<StoredContract> ran, CancellationToken cancellationToken = default) =>
        ReplaceManyAsync(ran.Select(r => r with { PendingCommands = [] }).ToList(), cancellationToken);

    /// <summary>Every contract, a page at a time, so that a run over all of them holds one page in memory.</summary>
    IAsyncEnumerable<IReadOnlyList<StoredContract>> ScanAsync(int pageSize, CancellationToken cancellationToken = default);

    /// <summary>
    /// The contracts whose row holds pending commands, a page at a time. By default the full scan filtered here; a store
    /// that can filter on its side (Table Storage: <c>PendingParts gt 0</c>) sends only those rows.
    /// </summary>
    async IAsyncEnumerable<IReadOnlyList<StoredContract>> ScanPendingAsync(int pageSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var page in ScanAsync(pageSize, cancellationToken).ConfigureAwait(false))
        {
            var pending = page.Where(s => s.PendingCommands.Count > 0).ToList();
            if (pending.Count > 0)
            {
                yield return pending;
            }
        }
    }
}

/// <summary>Writes of a state with nothing pending (a new contract nobody decided on yet, a cleared outbox, a test's fixture).</summary>
public static class ContractStoreExtensions
{
    public static Task<bool> TryCreateAsync(this IContractStore store, ContractState state, CancellationToken cancellationToken = default) =>
        store.TryCreateAsync(state, [], cancellationToken);

    public static Task<string> ReplaceAsync(this IContractStore store, ContractState state, string etag, CancellationToken cancellationToken = default) =>
        store.ReplaceAsync(state, etag, [], cancellationToken);
}

/// <summary>The day each contract next wakes (local host; on Azure the durable timer plays this part).</summary>
public interface IDueIndex
{
    Task AddAsync(string contractId, LocalDate wakeDate, CancellationToken cancellationToken = default);

    /// <summary>Lists many wake-ups at once (a page's); by default one at a time, a store with batches writes them together.</summary>
    async Task AddManyAsync(IReadOnlyList<(string ContractId, LocalDate WakeDate)> wakeUps, CancellationToken cancellationToken = default)
    {
        foreach (var (contractId, wakeDate) in wakeUps)
        {
            await AddAsync(contractId, wakeDate, cancellationToken).ConfigureAwait(false);
        }
    }

    Task RemoveAsync(string contractId, LocalDate wakeDate, CancellationToken cancellationToken = default);

    /// <summary>Unlists many wake-ups at once (a page's moved ones); one not listed is no error. By default one at a time.</summary>
    async Task RemoveManyAsync(IReadOnlyList<(string ContractId, LocalDate WakeDate)> wakeUps, CancellationToken cancellationToken = default)
    {
        foreach (var (contractId, wakeDate) in wakeUps)
        {
            await RemoveAsync(contractId, wakeDate, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Contracts due on or before <paramref name="through"/>, each with the date it is listed under.</summary>
    IAsyncEnumerable<(string ContractId, LocalDate Date)> DueAsync(LocalDate through, CancellationToken cancellationToken = default);
}

/// <summary>The audit trail of each contract; entries are upserted by key, so a repeat is harmless.</summary>
public interface IHistoryStore
{
    Task AppendAsync(IReadOnlyList<RecordHistory> entries, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<HistoryEntry>> ListAsync(string contractId, CancellationToken cancellationToken = default);
}

/// <summary>Issued invoices by number (<c>INV-{contract}-{yyyyMM}</c>); saving one twice keeps one.</summary>
public interface IInvoiceStore
{
    Task SaveAsync(IReadOnlyList<Invoice> invoices, CancellationToken cancellationToken = default);

    Task<Invoice?> GetAsync(string number, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Invoice>> ListByContractAsync(string contractId, CancellationToken cancellationToken = default);

    /// <summary>Every invoice of a billing month (the run's and those issued by events, e.g. a final invoice), by number.</summary>
    Task<IReadOnlyList<Invoice>> ListByMonthAsync(YearMonth month, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many invoices a billing month has and their total (what a run's report states), without listing them: a store
    /// that can count in place keeps a run's own memory flat in the number of contracts (issue 17).
    /// </summary>
    async Task<(int Count, long Total)> MonthFiguresAsync(YearMonth month, CancellationToken cancellationToken = default)
    {
        var invoices = await ListByMonthAsync(month, cancellationToken).ConfigureAwait(false);
        return (invoices.Count, invoices.Sum(i => i.Total));
    }
}

/// <summary>Usage as recorded per contract and month (the state keeps what is not yet invoiced).</summary>
public interface IUsageStore
{
    Task SaveAsync(IReadOnlyList<(string ContractId, MonthUsage Usage)> usage, CancellationToken cancellationToken = default);

    Task<MonthUsage?> GetAsync(string contractId, YearMonth month, CancellationToken cancellationToken = default);
}

/// <summary>Where a notice is in its delivery.</summary>
public enum DeliveryStatus
{
    Pending,
    Sent,
    Failed,

    /// <summary>
    /// Claimed by one deliverer, which is sending it now; <see cref="OutboxItem.NextAttemptAt"/> is then the end of
    /// its lease. Another deliverer takes the row only after the lease has expired without "sent".
    /// </summary>
    Sending,
}

/// <summary>
/// A notice in the outbox with its delivery record. <see cref="SmtpReply"/> is what the mail server answered when it
/// accepted the message; <see cref="Version"/> is the stored row's version (the Table ETag) for conditional updates.
/// </summary>
public sealed record OutboxItem(Notice Notice, Instant EnqueuedAt, DeliveryStatus Status, int Attempts, Instant NextAttemptAt, Instant? SentAt = null, string? LastError = null, string? SmtpReply = null, string? Version = null);

/// <summary>Notices stored before they are sent (Table Storage). Enqueuing an id twice keeps the first.</summary>
public interface IOutbox
{
    Task EnqueueAsync(IReadOnlyList<Notice> notices, Instant now, CancellationToken cancellationToken = default);

    Task<OutboxItem?> GetAsync(string noticeId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Notices to attempt now, oldest first, at most <paramref name="max"/>: pending ones whose next attempt is due and
    /// claimed ones whose lease expired without "sent" (their deliverer died or lost its connection).
    /// </summary>
    Task<IReadOnlyList<OutboxItem>> DueAsync(Instant now, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the row only if it is still at <see cref="OutboxItem.Version"/> (the ETag): the stored item with its
    /// new version, or null when someone else changed it first (another deliverer claimed it).
    /// </summary>
    Task<OutboxItem?> TryUpdateAsync(OutboxItem item, CancellationToken cancellationToken = default);

    Task<int> CountSentSinceAsync(Instant since, CancellationToken cancellationToken = default);

    IAsyncEnumerable<OutboxItem> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The notices of one contract, oldest first.</summary>
    Task<IReadOnlyList<OutboxItem>> ListForContractAsync(string contractId, CancellationToken cancellationToken = default);
}

/// <summary>Rendered documents (Blob Storage): invoices, notices, run reports.</summary>
public interface IDocumentStore
{
    Task PutAsync(string path, string contentType, byte[] content, CancellationToken cancellationToken = default);

    Task<byte[]?> GetAsync(string path, CancellationToken cancellationToken = default);
}

/// <summary>A rendered email; <see cref="MessageId"/> is stable per notice, so a resend is recognisable.</summary>
public sealed record EmailMessage(string MessageId, string To, string ToName, string Subject, string Html, string Text)
{
    /// <summary>When the message is handed to the server (its <c>Date:</c> header): the deliverer's clock, simulated in the demo. Null: the sender's own clock.</summary>
    public Instant? SentAt { get; init; }

    /// <summary>The From display name (the issuer's company name); null: the configured sender name.</summary>
    public string? FromName { get; init; }

    /// <summary>Files sent with the message (an issued document's PDF).</summary>
    public IReadOnlyList<EmailAttachment> Attachments { get; init; } = [];
}

/// <summary>A file attached to an email.</summary>
public sealed record EmailAttachment(string FileName, string ContentType, byte[] Content);

/// <summary>
/// Lays out an issued document as a PDF (A4, the Japanese font embedded, text selectable) with the content of its HTML
/// page (<see cref="Billing.Rendering.InvoicePage"/>). An adapter (PDFsharp) implements it; the same document gives the same bytes.
/// </summary>
public interface IInvoicePdfRenderer
{
    byte[] Render(Invoice invoice, Contracts.Language language);
}

/// <summary>Sends one email (SMTP with MailKit; Azure Communication Services where that package exists).</summary>
public interface IEmailSender
{
    /// <summary>Hands the message to the mail server; returns the server's acceptance (its reply, e.g. "250 2.0.0 OK queued as …").</summary>
    Task<string> SendAsync(EmailMessage message, CancellationToken cancellationToken = default);
}

/// <summary>Lays out a notice as an email (templates as files).</summary>
public interface INoticeRenderer
{
    EmailMessage Render(Notice notice, string messageId);
}

/// <summary>
/// First results of idempotent requests: the first call under a key stores its result, later
/// calls read it back. Keys are scoped by the caller (an event id, an Idempotency-Key header).
/// </summary>
public interface IIdempotencyStore
{
    Task<string?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores the result under the key unless one is there; returns the stored result.</summary>
    Task<string> PutIfAbsentAsync(string key, string result, CancellationToken cancellationToken = default);
}

/// <summary>
/// Where contract events go: registration and CRM events, each decided first (a refusal throws
/// <see cref="Contracts.ContractRuleException"/> and stores nothing) and returned only once durably
/// stored. Locally the round runs at once (<see cref="ContractWorkflow"/>); on Azure the event is
/// stored and raised to the contract's orchestration.
/// </summary>
public interface IContractEvents
{
    /// <summary>Today in Tokyo by the host's clock: the day events are decided on.</summary>
    LocalDate Today { get; }

    /// <summary>
    /// True when a contract's timer is its due-index entry (the local host: <see cref="ContractWorkflow.WakeDueAsync"/>
    /// wakes whatever is listed by today), which the saved decision's <see cref="ScheduleWakeUp"/> command already moved;
    /// false when each contract waits on a timer of its own (a Durable orchestration), which a state saved outside its
    /// round must wake so that the timer follows an earlier date.
    /// </summary>
    bool TimersFollowDueIndex => false;

    Task<Decision> RegisterAsync(ContractRegistration registration, CancellationToken cancellationToken = default);

    /// <summary>Delivers <paramref name="trigger"/>; with <paramref name="expectedVersion"/>, refused as stale unless the contract is still at that version.</summary>
    Task<Decision> RaiseAsync(string contractId, Trigger trigger, long? expectedVersion, CancellationToken cancellationToken = default);
}

/// <summary>
/// An event accepted for a contract's orchestration and not yet acknowledged by its round. A null
/// <see cref="Trigger"/> marks a registration whose orchestration may not have started yet.
/// </summary>
public sealed record PendingEvent(string ContractId, string EventId, Trigger? Trigger, Instant AcceptedAt, Instant LastRaisedAt, int Deliveries);

/// <summary>
/// Events stored before they are raised to a Durable orchestration (an event raised to an instance
/// that does not run is dropped silently): the round acknowledges each, the reconciler raises again
/// what stays unacknowledged. Keyed by contract and event id; adding one twice keeps the last.
/// </summary>
public interface IPendingEvents
{
    Task PutAsync(PendingEvent pending, CancellationToken cancellationToken = default);

    Task RemoveAsync(string contractId, string eventId, CancellationToken cancellationToken = default);

    /// <summary>Events last raised before <paramref name="raisedBefore"/>, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<PendingEvent>> RaisedBeforeAsync(Instant raisedBefore, int max, CancellationToken cancellationToken = default);

    /// <summary>The events of one contract still pending, in the order they were accepted.</summary>
    Task<IReadOnlyList<PendingEvent>> ForContractAsync(string contractId, CancellationToken cancellationToken = default);
}

/// <summary>Every store the workflow uses, handed around as one.</summary>
public sealed record LifecycleStores(
    IContractStore Contracts,
    IDueIndex DueIndex,
    IHistoryStore History,
    IInvoiceStore Invoices,
    IUsageStore Usage,
    IOutbox Outbox,
    IDocumentStore Documents,
    IIdempotencyStore Idempotency,
    IPendingEvents PendingEvents)
{
    /// <summary>
    /// The outgoing webhooks' outbox when a CRM endpoint is configured (<c>Webhooks:Url</c>); null: none is, and no
    /// webhook is recorded or sent.
    /// </summary>
    public IWebhookOutbox? Webhooks { get; init; }
}

/// <summary>
/// How long a round steps aside after another process won its save, before deciding again. Two hosts
/// on one storage that step aside for the same time collide again, so a host spreads the pause at
/// random; the application draws no random numbers itself.
/// </summary>
public interface IRetryJitter
{
    /// <summary>The pause before round <paramref name="round"/> (1 after the first lost save); grows with the round.</summary>
    TimeSpan Pause(int round);
}

/// <summary>Pauses that need no random source.</summary>
public static class RetryJitter
{
    /// <summary>15 ms times the round: the middle of the host's spread, for a single process (tests, the demo, the bench).</summary>
    public static IRetryJitter Fixed { get; } = new FixedJitter();

    private sealed class FixedJitter : IRetryJitter
    {
        public TimeSpan Pause(int round) => TimeSpan.FromMilliseconds(15 * round);
    }
}

/// <summary>
/// Outgoing webhooks to the one configured CRM endpoint (<see cref="WebhookDelivery"/>), stored before they are sent: a
/// row per event under its deterministic id (<c>contract/{contract}/{history key}</c>, <c>invoice/{number}</c>,
/// <c>notice/{notice id}</c>), written by the same command execution as what it announces. Enqueuing an id twice keeps
/// the first row (and its delivery record), so a batch run again neither duplicates nor re-sends an event.
/// </summary>
public interface IWebhookOutbox
{
    Task EnqueueAsync(IReadOnlyList<WebhookEvent> events, Instant now, CancellationToken cancellationToken = default);

    Task<WebhookItem?> GetAsync(string eventId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Events to attempt now, oldest first, at most <paramref name="max"/>: pending ones whose next attempt is due and
    /// claimed ones whose lease expired without an answer recorded (their deliverer died).
    /// </summary>
    Task<IReadOnlyList<WebhookItem>> DueAsync(Instant now, int max, CancellationToken cancellationToken = default);

    /// <summary>Replaces the row only if it is still at <see cref="WebhookItem.Version"/> (the ETag); null when another deliverer changed it first.</summary>
    Task<WebhookItem?> TryUpdateAsync(WebhookItem item, CancellationToken cancellationToken = default);

    /// <summary>Every row, oldest first (delivered, pending and failed: a failed one is kept and visible).</summary>
    IAsyncEnumerable<WebhookItem> ListAsync(CancellationToken cancellationToken = default);
}

/// <summary>POSTs one signed webhook to the configured endpoint (an adapter: HttpClient).</summary>
public interface IWebhookSender
{
    /// <summary>
    /// Sends <paramref name="request"/> and returns the receiver's status code; a connection failure or a timeout throws
    /// (<see cref="HttpRequestException"/>, <see cref="TimeoutException"/>), which the delivery records and retries.
    /// </summary>
    Task<int> PostAsync(WebhookRequest request, CancellationToken cancellationToken = default);
}
