using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Core.Application.InMemory;

/// <summary>
/// Stores that live in memory, for the embedded demo, the time-travel tests and the benchmark.
/// They keep the contracts of the real stores: ETag concurrency, upsert by key, first enqueue wins.
/// States are kept as JSON, as Table Storage keeps them, so nothing shares references with a caller (the contract
/// store keeps it as UTF-8 bytes: half the memory of a string, and read back without transcoding — issue 17; a
/// decision's pending commands, immutable records, are kept as a copy of their list).
/// </summary>
public static class InMemoryStores
{
    public static LifecycleStores Create(IDocumentStore? documents = null) => new(
        new InMemoryContractStore(),
        new InMemoryDueIndex(),
        new InMemoryHistoryStore(),
        new InMemoryInvoiceStore(),
        new InMemoryUsageStore(),
        new InMemoryOutbox(),
        documents ?? new InMemoryDocumentStore(),
        new InMemoryIdempotencyStore(),
        new InMemoryPendingEvents());

    /// <summary>The stores with an in-memory webhook outbox: webhooks are recorded, as when an endpoint is configured.</summary>
    public static LifecycleStores WithWebhooks(IDocumentStore? documents = null) => Create(documents) with { Webhooks = new InMemoryWebhookOutbox() };
}

public sealed class InMemoryContractStore : IContractStore
{
    private readonly object gate = new();
    private readonly SortedDictionary<string, (byte[] Json, long ETag, LifecycleCommand[]? Pending)> rows = new(StringComparer.Ordinal);
    private long nextETag;

    public int Count
    {
        get
        {
            lock (gate)
            {
                return rows.Count;
            }
        }
    }

    public Task<StoredContract?> GetAsync(string contractId, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return Task.FromResult(rows.TryGetValue(contractId, out var row) ? ToStored(row) : null);
        }
    }

    public Task<bool> TryCreateAsync(ContractState state, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return Task.FromResult(rows.TryAdd(state.ContractId, (StateJson(state), ++nextETag, PendingCopy(pendingCommands))));
        }
    }

    public Task<string> ReplaceAsync(ContractState state, string etag, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default)
    {
        // Serialised before taking the lock: the lock guards only the ETag check and the swap, so writers of
        // different contracts (pages of a monthly run side by side) do not wait for each other's JSON.
        var json = StateJson(state);
        var pending = PendingCopy(pendingCommands);
        lock (gate)
        {
            if (!rows.TryGetValue(state.ContractId, out var row) || row.ETag.ToString(CultureInfo.InvariantCulture) != etag)
            {
                throw new ConcurrencyException(state.ContractId);
            }

            // The state and the commands of its decision in one write under one ETag, as one Table entity holds both.
            var updated = (json, ++nextETag, pending);
            rows[state.ContractId] = updated;
            return Task.FromResult(updated.Item2.ToString(CultureInfo.InvariantCulture));
        }
    }

    public async Task<ReplaceManyResult> ReplaceManyAsync(IReadOnlyList<StoredContract> states, CancellationToken cancellationToken = default)
    {
        var conflicts = new List<string>();
        var etags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stored in states)
        {
            try
            {
                etags[stored.State.ContractId] = await ReplaceAsync(stored.State, stored.ETag, stored.PendingCommands, cancellationToken).ConfigureAwait(false);
            }
            catch (ConcurrencyException)
            {
                conflicts.Add(stored.State.ContractId);
            }
        }

        return new ReplaceManyResult(conflicts, etags);
    }

    /// <summary>The stored JSON of each state is kept as it is: only the pending commands go, under the row's ETag.</summary>
    public Task<ReplaceManyResult> ClearPendingManyAsync(IReadOnlyList<StoredContract> ran, CancellationToken cancellationToken = default)
    {
        var conflicts = new List<string>();
        var etags = new Dictionary<string, string>(StringComparer.Ordinal);
        lock (gate)
        {
            foreach (var stored in ran)
            {
                var contractId = stored.State.ContractId;
                if (!rows.TryGetValue(contractId, out var row) || row.ETag.ToString(CultureInfo.InvariantCulture) != stored.ETag)
                {
                    conflicts.Add(contractId);
                    continue;
                }

                var cleared = (row.Json, ++nextETag, (LifecycleCommand[]?)null);
                rows[contractId] = cleared;
                etags[contractId] = cleared.Item2.ToString(CultureInfo.InvariantCulture);
            }
        }

        return Task.FromResult(new ReplaceManyResult(conflicts, etags));
    }

    public async IAsyncEnumerable<IReadOnlyList<StoredContract>> ScanAsync(int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<string> ids;
        lock (gate)
        {
            ids = [.. rows.Keys];
        }

        foreach (var chunk in ids.Chunk(pageSize))
        {
            List<(byte[] Json, long ETag, LifecycleCommand[]? Pending)> found;
            lock (gate)
            {
                found = [.. chunk.Where(rows.ContainsKey).Select(id => rows[id])];
            }

            // Read outside the lock (a row's arrays are never written after it is stored), so a scan does not hold up writers.
            yield return found.Select(ToStored).ToList();
            await Task.Yield();
        }
    }

    private static StoredContract ToStored((byte[] Json, long ETag, LifecycleCommand[]? Pending) row) =>
        new(System.Text.Json.JsonSerializer.Deserialize<ContractState>(row.Json, LifecycleJson.Options)!, row.ETag.ToString(CultureInfo.InvariantCulture))
        {
            PendingCommands = row.Pending is null ? [] : Array.AsReadOnly(row.Pending),
        };

    /// <summary>The state's JSON (<see cref="LifecycleJson"/>, the Table adapter's text) as UTF-8.</summary>
    private static byte[] StateJson(ContractState state) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(state, LifecycleJson.Options);

    /// <summary>
    /// A decision's pending commands, kept as they are (a copy of the list; commands are immutable records) rather than as
    /// JSON: they are read back only when a round died before running them, and their JSON is the Table adapter's to write
    /// (issue 17: serialising them here cost a monthly run as much as the invoice document's own JSON).
    /// </summary>
    private static LifecycleCommand[]? PendingCopy(IReadOnlyList<LifecycleCommand> commands) =>
        commands.Count == 0 ? null : [.. commands];
}

public sealed class InMemoryDueIndex : IDueIndex
{
    private readonly object gate = new();
    private readonly SortedSet<(LocalDate Date, string ContractId)> entries = new();

    public Task AddAsync(string contractId, LocalDate wakeDate, CancellationToken cancellationToken = default) =>
        AddManyAsync([(contractId, wakeDate)], cancellationToken);

    public Task AddManyAsync(IReadOnlyList<(string ContractId, LocalDate WakeDate)> wakeUps, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            foreach (var (contractId, wakeDate) in wakeUps)
            {
                entries.Add((wakeDate, contractId));
            }
        }

        return Task.CompletedTask;
    }

    public Task RemoveAsync(string contractId, LocalDate wakeDate, CancellationToken cancellationToken = default) =>
        RemoveManyAsync([(contractId, wakeDate)], cancellationToken);

    public Task RemoveManyAsync(IReadOnlyList<(string ContractId, LocalDate WakeDate)> wakeUps, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            foreach (var (contractId, wakeDate) in wakeUps)
            {
                entries.Remove((wakeDate, contractId));
            }
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<(string ContractId, LocalDate Date)> DueAsync(LocalDate through, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<(LocalDate Date, string ContractId)> due;
        lock (gate)
        {
            due = entries.TakeWhile(e => e.Date <= through).ToList();
        }

        foreach (var (date, contractId) in due)
        {
            yield return (contractId, date);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}

public sealed class InMemoryHistoryStore : IHistoryStore
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, HistoryEntry>> byContract = new(StringComparer.Ordinal);

    public Task AppendAsync(IReadOnlyList<RecordHistory> entries, CancellationToken cancellationToken = default)
    {
        foreach (var record in entries)
        {
            byContract.GetOrAdd(record.ContractId, _ => new(StringComparer.Ordinal))[record.Entry.Key] = record.Entry;
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<HistoryEntry>> ListAsync(string contractId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<HistoryEntry>>(byContract.TryGetValue(contractId, out var entries)
            ? entries.Values.OrderBy(e => e.Date).ThenBy(e => e.Key, StringComparer.Ordinal).ToList()
            : []);
}

public sealed class InMemoryInvoiceStore : IInvoiceStore
{
    private readonly ConcurrentDictionary<string, Invoice> byNumber = new(StringComparer.Ordinal);

    public Task SaveAsync(IReadOnlyList<Invoice> invoices, CancellationToken cancellationToken = default)
    {
        foreach (var invoice in invoices)
        {
            byNumber[invoice.Number] = invoice;
        }

        return Task.CompletedTask;
    }

    public Task<Invoice?> GetAsync(string number, CancellationToken cancellationToken = default) =>
        Task.FromResult(byNumber.TryGetValue(number, out var invoice) ? invoice : null);

    public Task<IReadOnlyList<Invoice>> ListByContractAsync(string contractId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Invoice>>(byNumber.Values.Where(i => i.ContractId == contractId).OrderBy(i => i.Month).ToList());

    public Task<IReadOnlyList<Invoice>> ListByMonthAsync(YearMonth month, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Invoice>>(byNumber.Values.Where(i => i.Month == month).OrderBy(i => i.Number, StringComparer.Ordinal).ToList());

    /// <summary>Counted in place: no list of the month's invoices (a million at the benchmark's scale).</summary>
    public Task<(int Count, long Total)> MonthFiguresAsync(YearMonth month, CancellationToken cancellationToken = default)
    {
        int count = 0;
        long total = 0;
        foreach (var (_, invoice) in byNumber)
        {
            if (invoice.Month == month)
            {
                count++;
                total += invoice.Total;
            }
        }

        return Task.FromResult((count, total));
    }
}

public sealed class InMemoryUsageStore : IUsageStore
{
    private readonly ConcurrentDictionary<(string, YearMonth), MonthUsage> rows = new();

    public Task SaveAsync(IReadOnlyList<(string ContractId, MonthUsage Usage)> usage, CancellationToken cancellationToken = default)
    {
        foreach (var (contractId, month) in usage)
        {
            rows[(contractId, month.Month)] = month;
        }

        return Task.CompletedTask;
    }

    public Task<MonthUsage?> GetAsync(string contractId, YearMonth month, CancellationToken cancellationToken = default) =>
        Task.FromResult(rows.TryGetValue((contractId, month), out var usage) ? usage : null);
}

public sealed class InMemoryOutbox : IOutbox
{
    private readonly object gate = new();
    private readonly Dictionary<string, OutboxItem> items = new(StringComparer.Ordinal);
    private long sequence;
    private long version;
    private readonly Dictionary<string, long> order = new(StringComparer.Ordinal);

    public Task EnqueueAsync(IReadOnlyList<Notice> notices, Instant now, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            foreach (var notice in notices)
            {
                if (items.TryAdd(notice.Id, new OutboxItem(notice, now, DeliveryStatus.Pending, 0, now, Version: NextVersion())))
                {
                    order[notice.Id] = ++sequence;
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<OutboxItem?> GetAsync(string noticeId, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return Task.FromResult(items.TryGetValue(noticeId, out var item) ? item : null);
        }
    }

    public Task<IReadOnlyList<OutboxItem>> DueAsync(Instant now, int max, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<OutboxItem>>(items.Values
                .Where(i => i.Status is DeliveryStatus.Pending or DeliveryStatus.Sending && i.NextAttemptAt <= now)
                .OrderBy(i => i.EnqueuedAt).ThenBy(i => order[i.Notice.Id])
                .Take(max)
                .ToList());
        }
    }

    /// <summary>Replaces the item only if it is still at the version the caller read (as the Table ETag does).</summary>
    public Task<OutboxItem?> TryUpdateAsync(OutboxItem item, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            if (!items.TryGetValue(item.Notice.Id, out var stored) || stored.Version != item.Version)
            {
                return Task.FromResult<OutboxItem?>(null);
            }

            var updated = item with { Version = NextVersion() };
            items[item.Notice.Id] = updated;
            return Task.FromResult<OutboxItem?>(updated);
        }
    }

    private string NextVersion() => (++version).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Task<int> CountSentSinceAsync(Instant since, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return Task.FromResult(items.Values.Count(i => i.SentAt >= since));
        }
    }

    public async IAsyncEnumerable<OutboxItem> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<OutboxItem> snapshot;
        lock (gate)
        {
            snapshot = items.Values.OrderBy(i => order[i.Notice.Id]).ToList();
        }

        foreach (var item in snapshot)
        {
            yield return item;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task<IReadOnlyList<OutboxItem>> ListForContractAsync(string contractId, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<OutboxItem>>(items.Values
                .Where(i => i.Notice.ContractId == contractId)
                .OrderBy(i => order[i.Notice.Id])
                .ToList());
        }
    }
}

public sealed class InMemoryDocumentStore : IDocumentStore
{
    private readonly ConcurrentDictionary<string, (string ContentType, byte[] Content)> documents = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Paths => documents.Keys.Order(StringComparer.Ordinal).ToList();

    public Task PutAsync(string path, string contentType, byte[] content, CancellationToken cancellationToken = default)
    {
        documents[path] = (contentType, content);
        return Task.CompletedTask;
    }

    public Task<byte[]?> GetAsync(string path, CancellationToken cancellationToken = default) =>
        Task.FromResult(documents.TryGetValue(path, out var document) ? document.Content : null);
}

public sealed class InMemoryIdempotencyStore : IIdempotencyStore
{
    private readonly ConcurrentDictionary<string, string> results = new(StringComparer.Ordinal);

    public Task<string?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(results.TryGetValue(key, out var result) ? result : null);

    public Task<string> PutIfAbsentAsync(string key, string result, CancellationToken cancellationToken = default) =>
        Task.FromResult(results.GetOrAdd(key, result));
}

public sealed class InMemoryPendingEvents : IPendingEvents
{
    private readonly ConcurrentDictionary<(string ContractId, string EventId), PendingEvent> events = new();

    public int Count => events.Count;

    public Task PutAsync(PendingEvent pending, CancellationToken cancellationToken = default)
    {
        events[(pending.ContractId, pending.EventId)] = pending;
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string contractId, string eventId, CancellationToken cancellationToken = default)
    {
        events.TryRemove((contractId, eventId), out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PendingEvent>> RaisedBeforeAsync(Instant raisedBefore, int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PendingEvent>>(events.Values
            .Where(p => p.LastRaisedAt < raisedBefore)
            .OrderBy(p => p.LastRaisedAt)
            .ThenBy(p => p.ContractId, StringComparer.Ordinal)
            .Take(max)
            .ToList());

    public Task<IReadOnlyList<PendingEvent>> ForContractAsync(string contractId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PendingEvent>>(events.Values
            .Where(p => p.ContractId == contractId)
            .OrderBy(p => p.AcceptedAt)
            .ThenBy(p => p.EventId, StringComparer.Ordinal)
            .ToList());
}

/// <summary>The webhook outbox in memory: first enqueue of an id wins, updates conditional on the version (as the Table ETag).</summary>
public sealed class InMemoryWebhookOutbox : IWebhookOutbox
{
    private readonly object gate = new();
    private readonly Dictionary<string, (WebhookItem Item, long Order)> items = new(StringComparer.Ordinal);
    private long sequence;

    public Task EnqueueAsync(IReadOnlyList<WebhookEvent> events, Instant now, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            foreach (var webhook in events)
            {
                if (!items.ContainsKey(webhook.Id))
                {
                    var order = ++sequence;
                    items[webhook.Id] = (new WebhookItem(webhook, now, WebhookStatus.Pending, 0, now, Version: Version(order)), order);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<WebhookItem?> GetAsync(string eventId, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return Task.FromResult(items.TryGetValue(eventId, out var row) ? row.Item : null);
        }
    }

    public Task<IReadOnlyList<WebhookItem>> DueAsync(Instant now, int max, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<WebhookItem>>(items.Values
                .Where(r => r.Item.Status is WebhookStatus.Pending or WebhookStatus.Sending && r.Item.NextAttemptAt <= now)
                .OrderBy(r => r.Item.EnqueuedAt).ThenBy(r => r.Order)
                .Take(max)
                .Select(r => r.Item)
                .ToList());
        }
    }

    public Task<WebhookItem?> TryUpdateAsync(WebhookItem item, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            if (!items.TryGetValue(item.Event.Id, out var stored) || stored.Item.Version != item.Version)
            {
                return Task.FromResult<WebhookItem?>(null);
            }

            var updated = item with { Version = Version(++sequence) };
            items[item.Event.Id] = (updated, stored.Order);
            return Task.FromResult<WebhookItem?>(updated);
        }
    }

    public async IAsyncEnumerable<WebhookItem> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<WebhookItem> snapshot;
        lock (gate)
        {
            snapshot = items.Values.OrderBy(r => r.Item.EnqueuedAt).ThenBy(r => r.Order).Select(r => r.Item).ToList();
        }

        foreach (var item in snapshot)
        {
            yield return item;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static string Version(long value) => value.ToString(CultureInfo.InvariantCulture);
}
