using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;
using NodaTime.Text;

namespace CloudLifecycle.Adapters.Tables;

/// <summary>The Table Storage tables of one deployment (Azurite locally), created on first use.</summary>
public sealed class LifecycleTables(TableServiceClient service, string prefix = "")
{
    /// <summary>
    /// Entity-group transactions of different partitions in flight at once from one call: enough to keep the service
    /// busy while one batch is on the wire, few enough that a page's writes do not crowd out the other pages'.
    /// </summary>
    public const int MaxParallelBatches = 8;

    public TableServiceClient Service { get; } = service;

    public async Task<TableClient> TableAsync(string name, CancellationToken cancellationToken = default)
    {
        var table = Service.GetTableClient(prefix + name);
        await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        return table;
    }

    /// <summary>
    /// Submits the rows in entity-group transactions of one partition and at most 100 rows, up to
    /// <see cref="MaxParallelBatches"/> of them at once: each transaction is atomic on its own and the rows of
    /// different transactions are different rows, so their order does not matter.
    /// </summary>
    public static Task SubmitAsync(TableClient table, IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken) =>
        ForEachBatchAsync(actions, a => a.Entity.PartitionKey, (chunk, token) => table.SubmitTransactionAsync(chunk, token), cancellationToken);

    /// <summary>
    /// The items cut into entity-group batches (one partition, at most <see cref="TableKeys.MaxBatch"/>), each handed to
    /// <paramref name="submit"/>, at most <see cref="MaxParallelBatches"/> at once. The first failure is thrown once
    /// every batch started has ended.
    /// </summary>
    public static async Task ForEachBatchAsync<T, TResult>(IEnumerable<T> items, Func<T, string> partitionKey, Func<T[], CancellationToken, Task<TResult>> submit, CancellationToken cancellationToken)
    {
        var batches = items.GroupBy(partitionKey, StringComparer.Ordinal).SelectMany(p => p.Chunk(TableKeys.MaxBatch)).ToList();
        if (batches.Count == 1)
        {
            await submit(batches[0], cancellationToken).ConfigureAwait(false);
            return;
        }

        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelBatches, CancellationToken = cancellationToken },
            async (batch, token) => await submit(batch, token).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds the rows in batches; a row already there (a round or batch run again) stays as it is, with its delivery
    /// record: a batch refused for one such row is added again row by row, a 409 ignored. The outboxes enqueue so.
    /// </summary>
    public static Task AddFirstWinsAsync(TableClient table, IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken) =>
        ForEachBatchAsync(rows, e => e.PartitionKey, async (chunk, token) =>
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), token).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException)
            {
                foreach (var entity in chunk)
                {
                    try
                    {
                        await table.AddEntityAsync(entity, token).ConfigureAwait(false);
                    }
                    catch (RequestFailedException e) when (e.Status == 409)
                    {
                    }
                }
            }

            return true;
        }, cancellationToken);
}

/// <summary>Contract states: PartitionKey = hash bucket, RowKey = contract id, the state as JSON; ETag concurrency.</summary>
public sealed class TableContractStore(TableClient table) : IContractStore
{
    public async Task<StoredContract?> GetAsync(string contractId, CancellationToken cancellationToken = default)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Bucket(contractId), contractId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? ToStored(response.Value!) : null;
    }

    public async Task<bool> TryCreateAsync(ContractState state, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default)
    {
        try
        {
            await table.AddEntityAsync(ToEntity(state, pendingCommands), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<string> ReplaceAsync(ContractState state, string etag, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await table.UpdateEntityAsync(ToEntity(state, pendingCommands), new ETag(etag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return response.Headers.ETag?.ToString() ?? string.Empty;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            throw new ConcurrencyException(state.ContractId);
        }
    }

    public async Task<ReplaceManyResult> ReplaceManyAsync(IReadOnlyList<StoredContract> states, CancellationToken cancellationToken = default)
    {
        var result = new ManyResult();
        await LifecycleTables.ForEachBatchAsync(states, s => TableKeys.Bucket(s.State.ContractId), async (chunk, token) =>
        {
            try
            {
                var responses = await table.SubmitTransactionAsync(
                    chunk.Select(s => new TableTransactionAction(TableTransactionActionType.UpdateReplace, ToEntity(s.State, s.PendingCommands), new ETag(s.ETag))),
                    token).ConfigureAwait(false);
                result.Written(chunk, responses.Value);
            }
            catch (TableTransactionFailedException)
            {
                // One row changed meanwhile and the whole batch was refused: save them one by one to find it.
                foreach (var stored in chunk)
                {
                    try
                    {
                        result.Written(stored.State.ContractId, await ReplaceAsync(stored.State, stored.ETag, stored.PendingCommands, token).ConfigureAwait(false));
                    }
                    catch (ConcurrencyException)
                    {
                        result.Conflict(stored.State.ContractId);
                    }
                }
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
        return result.ToResult();
    }

    /// <summary>
    /// A conditional merge of <c>PendingParts = 0</c> under each row's ETag, in entity-group batches: the state is
    /// neither read nor written again, and a row another writer changed since answers 412 (a conflict; what that
    /// writer stored stands). The <c>Pending{i}</c> text properties stay until the row's next full write (a merge
    /// cannot remove a property), unread: <c>PendingParts</c> says how many of them are the row's outbox.
    /// </summary>
    public async Task<ReplaceManyResult> ClearPendingManyAsync(IReadOnlyList<StoredContract> ran, CancellationToken cancellationToken = default)
    {
        var result = new ManyResult();
        await LifecycleTables.ForEachBatchAsync(ran, s => TableKeys.Bucket(s.State.ContractId), async (chunk, token) =>
        {
            try
            {
                var responses = await table.SubmitTransactionAsync(
                    chunk.Select(s => new TableTransactionAction(TableTransactionActionType.UpdateMerge, Cleared(s.State.ContractId), new ETag(s.ETag))),
                    token).ConfigureAwait(false);
                result.Written(chunk, responses.Value);
            }
            catch (TableTransactionFailedException)
            {
                foreach (var stored in chunk)
                {
                    try
                    {
                        var response = await table.UpdateEntityAsync(Cleared(stored.State.ContractId), new ETag(stored.ETag), TableUpdateMode.Merge, token).ConfigureAwait(false);
                        result.Written(stored.State.ContractId, response.Headers.ETag?.ToString() ?? string.Empty);
                    }
                    catch (RequestFailedException e) when (e.Status is 412 or 404)
                    {
                        result.Conflict(stored.State.ContractId);
                    }
                }
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
        return result.ToResult();
    }

    private static TableEntity Cleared(string contractId) => new(TableKeys.Bucket(contractId), contractId) { ["PendingParts"] = 0 };

    public async IAsyncEnumerable<IReadOnlyList<StoredContract>> ScanAsync(int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var page in table.QueryAsync<TableEntity>(maxPerPage: pageSize, cancellationToken: cancellationToken).AsPages(pageSizeHint: pageSize).ConfigureAwait(false))
        {
            if (page.Values.Count > 0)
            {
                yield return page.Values.Select(ToStored).ToList();
            }
        }
    }

    /// <summary>Only the rows holding pending commands cross the wire (the service still reads the table to find them).</summary>
    public async IAsyncEnumerable<IReadOnlyList<StoredContract>> ScanPendingAsync(int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var page in table.QueryAsync<TableEntity>("PendingParts gt 0", maxPerPage: pageSize, cancellationToken: cancellationToken).AsPages(pageSizeHint: pageSize).ConfigureAwait(false))
        {
            if (page.Values.Count > 0)
            {
                yield return page.Values.Select(ToStored).ToList();
            }
        }
    }

    /// <summary>A string property holds at most 64 KiB (32K UTF-16 characters): longer pending commands span numbered properties.</summary>
    private const int PendingChunk = 30_000;

    /// <summary>
    /// One entity: the state and the commands of the decision that produced it (the row's transactional outbox),
    /// so that both are written by one conditional operation under one ETag. No commands: no "Pending" property.
    /// </summary>
    private static TableEntity ToEntity(ContractState state, IReadOnlyList<LifecycleCommand> pendingCommands)
    {
        var entity = new TableEntity(TableKeys.Bucket(state.ContractId), state.ContractId)
        {
            ["Product"] = state.Product.Code,
            ["Status"] = state.Status.ToString(),
            ["NextWake"] = state.NextWake is { } wake ? LocalDatePattern.Iso.Format(wake) : null,
            ["Version"] = state.Version,
            ["State"] = LifecycleJson.Serialize(state),
        };
        if (pendingCommands.Count > 0)
        {
            var json = LifecycleJson.Serialize(pendingCommands);
            var parts = json.Chunk(PendingChunk).Select(c => new string(c)).ToList();
            entity["PendingParts"] = parts.Count;
            for (var i = 0; i < parts.Count; i++)
            {
                entity[$"Pending{i}"] = parts[i];
            }
        }

        return entity;
    }

    private static StoredContract ToStored(TableEntity entity)
    {
        var parts = entity.GetInt32("PendingParts") ?? 0;
        var pending = parts == 0 ? [] : LifecycleJson.Deserialize<List<LifecycleCommand>>(string.Concat(Enumerable.Range(0, parts).Select(i => entity.GetString($"Pending{i}"))));
        return new(LifecycleJson.Deserialize<ContractState>(entity.GetString("State")), entity.ETag.ToString()) { PendingCommands = pending };
    }
}

/// <summary>The outcome of batches written side by side: the new ETag of each row written, the ids that conflicted.</summary>
internal sealed class ManyResult
{
    private readonly object gate = new();
    private readonly List<string> conflicts = [];
    private readonly Dictionary<string, string> etags = new(StringComparer.Ordinal);

    /// <summary>The sub-responses of an entity-group transaction come in the order of its actions.</summary>
    public void Written(IEnumerable<StoredContract> chunk, IReadOnlyList<Response> responses)
    {
        lock (gate)
        {
            foreach (var (stored, response) in chunk.Zip(responses))
            {
                etags[stored.State.ContractId] = response.Headers.ETag?.ToString() ?? string.Empty;
            }
        }
    }

    public void Written(string contractId, string etag)
    {
        lock (gate)
        {
            etags[contractId] = etag;
        }
    }

    public void Conflict(string contractId)
    {
        lock (gate)
        {
            conflicts.Add(contractId);
        }
    }

    public ReplaceManyResult ToResult()
    {
        lock (gate)
        {
            return new ReplaceManyResult(conflicts.Order(StringComparer.Ordinal).ToList(), new Dictionary<string, string>(etags, StringComparer.Ordinal));
        }
    }
}

/// <summary>The due-index: PartitionKey = wake date (ISO, so that partitions sort by date), RowKey = contract id.</summary>
public sealed class TableDueIndex(TableClient table) : IDueIndex
{
    public Task AddAsync(string contractId, LocalDate wakeDate, CancellationToken cancellationToken = default) =>
        table.UpsertEntityAsync(new TableEntity(LocalDatePattern.Iso.Format(wakeDate), contractId), TableUpdateMode.Replace, cancellationToken);

    /// <summary>Upserts in entity-group batches: the wake date is the partition, so a day's wake-ups go out 100 a transaction.</summary>
    public Task AddManyAsync(IReadOnlyList<(string ContractId, LocalDate WakeDate)> wakeUps, CancellationToken cancellationToken = default) =>
        LifecycleTables.SubmitAsync(table, wakeUps.DistinctBy(e => (e.ContractId, e.WakeDate)).Select(e =>
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(LocalDatePattern.Iso.Format(e.WakeDate), e.ContractId))), cancellationToken);

    public async Task RemoveAsync(string contractId, LocalDate wakeDate, CancellationToken cancellationToken = default) =>
        await table.DeleteEntityAsync(LocalDatePattern.Iso.Format(wakeDate), contractId, ETag.All, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Deletes in entity-group batches of one date. A batch holding a row that is not there is refused whole (404):
    /// its rows are then deleted one by one, where a missing row is no error.
    /// </summary>
    public Task RemoveManyAsync(IReadOnlyList<(string ContractId, LocalDate WakeDate)> wakeUps, CancellationToken cancellationToken = default) =>
        LifecycleTables.ForEachBatchAsync(wakeUps.DistinctBy(e => (e.ContractId, e.WakeDate)), e => LocalDatePattern.Iso.Format(e.WakeDate), async (chunk, token) =>
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete,
                    new TableEntity(LocalDatePattern.Iso.Format(e.WakeDate), e.ContractId), ETag.All)), token).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException)
            {
                foreach (var (contractId, wakeDate) in chunk)
                {
                    await RemoveAsync(contractId, wakeDate, token).ConfigureAwait(false);
                }
            }

            return true;
        }, cancellationToken);

    public async IAsyncEnumerable<(string ContractId, LocalDate Date)> DueAsync(LocalDate through, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey le {LocalDatePattern.Iso.Format(through)}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return (entity.RowKey, LocalDatePattern.Iso.Parse(entity.PartitionKey).Value);
        }
    }
}

/// <summary>
/// History: PartitionKey = the contract's hash bucket (<see cref="TableKeys.Bucket"/>, as its contract row),
/// RowKey = <c>{contract id}~{entry key}</c>, the contract id also in a <c>ContractId</c> column; upserts. A page of a
/// run holds contracts of one or two buckets (the scan walks the contract table a bucket at a time), so its history
/// goes out in one or two entity-group transactions instead of one per contract (issue 17).
/// Rows written before (PartitionKey = contract id, RowKey = the entry's key, no <c>ContractId</c> column) are still
/// read: <see cref="ListAsync"/> reads both places and the newer row wins for the same key. Nothing migrates them.
/// </summary>
public sealed class TableHistoryStore(TableClient table) : IHistoryStore
{
    /// <summary>
    /// Between the contract id and the entry's key. Contract ids are letters, digits, '-', '_' and '.', all below '~',
    /// so one contract's rows are exactly those from <c>{id}~</c> up to <c>{id}</c> + U+007F (the character after '~').
    /// </summary>
    private const char Separator = '~';

    public Task AppendAsync(IReadOnlyList<RecordHistory> entries, CancellationToken cancellationToken = default) =>
        LifecycleTables.SubmitAsync(table, entries
            .DistinctBy(e => (e.ContractId, TableKeys.Row(e.Entry.Key)))
            .Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(TableKeys.Bucket(e.ContractId), RowKey(e.ContractId, e.Entry.Key))
            {
                ["ContractId"] = e.ContractId,
                ["Entry"] = LifecycleJson.Serialize(e.Entry),
                ["Date"] = LocalDatePattern.Iso.Format(e.Entry.Date),
            })), cancellationToken);

    public async Task<IReadOnlyList<HistoryEntry>> ListAsync(string contractId, CancellationToken cancellationToken = default)
    {
        var bucketed = TableClient.CreateQueryFilter(
            $"PartitionKey eq {TableKeys.Bucket(contractId)} and RowKey ge {contractId + Separator} and RowKey lt {contractId + (char)(Separator + 1)}");
        // Rows of the earlier layout: the contract's own partition (a bucket's rows that happen to share the name carry a ContractId).
        var legacy = TableClient.CreateQueryFilter($"PartitionKey eq {contractId}");
        var reads = await Task.WhenAll(ReadAsync(bucketed, newLayout: true, cancellationToken), ReadAsync(legacy, newLayout: false, cancellationToken)).ConfigureAwait(false);
        return reads[1].Concat(reads[0])
            .GroupBy(e => e.Key, StringComparer.Ordinal).Select(g => g.Last())
            .OrderBy(e => e.Date).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
    }

    private static string RowKey(string contractId, string entryKey) => contractId + Separator + TableKeys.Row(entryKey);

    private async Task<List<HistoryEntry>> ReadAsync(string filter, bool newLayout, CancellationToken cancellationToken)
    {
        var entries = new List<HistoryEntry>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (newLayout == entity.ContainsKey("ContractId"))
            {
                entries.Add(LifecycleJson.Deserialize<HistoryEntry>(entity.GetString("Entry")));
            }
        }

        return entries;
    }
}

/// <summary>
/// Invoices: PartitionKey = month (a run's invoices batch together), RowKey = contract id for the
/// month's invoice (<c>INV-{contract}-{yyyyMM}</c>) and <c>{contract}~{suffix}</c> for a document
/// issued beside it (<c>INV-{contract}-{yyyyMM}-L1</c>), so neither overwrites the other.
/// </summary>
public sealed class TableInvoiceStore(TableClient table) : IInvoiceStore
{
    private const char SuffixSeparator = '~';

    public Task SaveAsync(IReadOnlyList<Invoice> invoices, CancellationToken cancellationToken = default) =>
        LifecycleTables.SubmitAsync(table, invoices.Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(Month(i.Month), Parse(i.Number)?.RowKey ?? i.ContractId)
        {
            ["Number"] = i.Number,
            ["Total"] = i.Total,
            ["DueDate"] = LocalDatePattern.Iso.Format(i.DueDate),
            ["Invoice"] = LifecycleJson.Serialize(i),
        })), cancellationToken);

    public async Task<Invoice?> GetAsync(string number, CancellationToken cancellationToken = default)
    {
        if (Parse(number) is not { } key)
        {
            return null;
        }

        var response = await table.GetEntityIfExistsAsync<TableEntity>(Month(key.Month), key.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? LifecycleJson.Deserialize<Invoice>(response.Value!.GetString("Invoice")) : null;
    }

    public async Task<IReadOnlyList<Invoice>> ListByContractAsync(string contractId, CancellationToken cancellationToken = default)
    {
        var invoices = new List<Invoice>();
        var filter = TableClient.CreateQueryFilter($"RowKey eq {contractId} or (RowKey gt {contractId + SuffixSeparator} and RowKey lt {contractId + SuffixSeparator + SuffixSeparator})");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            invoices.Add(LifecycleJson.Deserialize<Invoice>(entity.GetString("Invoice")));
        }

        return invoices.OrderBy(i => i.Month).ThenBy(i => i.Number, StringComparer.Ordinal).ToList();
    }

    /// <summary>One partition: the month's.</summary>
    public async Task<IReadOnlyList<Invoice>> ListByMonthAsync(YearMonth month, CancellationToken cancellationToken = default)
    {
        var invoices = new List<Invoice>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Month(month)}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            invoices.Add(LifecycleJson.Deserialize<Invoice>(entity.GetString("Invoice")));
        }

        return invoices.OrderBy(i => i.Number, StringComparer.Ordinal).ToList();
    }

    /// <summary>The number names its row (<see cref="InvoiceNumbers"/>).</summary>
    private static (YearMonth Month, string RowKey)? Parse(string number) =>
        InvoiceNumbers.Parse(number) is { } parts
            ? (parts.Month, parts.Suffix is { } suffix ? parts.ContractId + SuffixSeparator + suffix : parts.ContractId)
            : null;

    private static string Month(YearMonth month) => YearMonthPattern.Iso.Format(month);
}

/// <summary>Usage: PartitionKey = contract id, RowKey = month.</summary>
public sealed class TableUsageStore(TableClient table) : IUsageStore
{
    public Task SaveAsync(IReadOnlyList<(string ContractId, MonthUsage Usage)> usage, CancellationToken cancellationToken = default) =>
        LifecycleTables.SubmitAsync(table, usage.Select(u => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
            new TableEntity(u.ContractId, YearMonthPattern.Iso.Format(u.Usage.Month)) { ["Usage"] = LifecycleJson.Serialize(u.Usage) })), cancellationToken);

    public async Task<MonthUsage?> GetAsync(string contractId, YearMonth month, CancellationToken cancellationToken = default)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(contractId, YearMonthPattern.Iso.Format(month), cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? LifecycleJson.Deserialize<MonthUsage>(response.Value!.GetString("Usage")) : null;
    }
}

/// <summary>
/// The outbox: PartitionKey = the contract's bucket, RowKey = the notice id. Enqueue adds (the first
/// wins, a repeat is ignored); delivery claims a row and records its outcome with conditional updates (the
/// row's ETag), so two deliverers never both hold one notice.
/// </summary>
public sealed class TableOutbox(TableClient table) : IOutbox
{
    public async Task EnqueueAsync(IReadOnlyList<Notice> notices, Instant now, CancellationToken cancellationToken = default)
    {
        var fresh = notices.DistinctBy(n => n.Id).Select(n => ToEntity(new OutboxItem(n, now, DeliveryStatus.Pending, 0, now))).ToList();
        await LifecycleTables.AddFirstWinsAsync(table, fresh, cancellationToken).ConfigureAwait(false);
    }

    public async Task<OutboxItem?> GetAsync(string noticeId, CancellationToken cancellationToken = default)
    {
        var contractId = noticeId.Split('/')[0];
        var response = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Bucket(contractId), TableKeys.Row(noticeId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? ToItem(response.Value!) : null;
    }

    public async Task<IReadOnlyList<OutboxItem>> DueAsync(Instant now, int max, CancellationToken cancellationToken = default)
    {
        // Pending and due, or claimed and its lease (NextAttemptAt) expired without "sent".
        var filter = TableClient.CreateQueryFilter($"(Status eq {nameof(DeliveryStatus.Pending)} or Status eq {nameof(DeliveryStatus.Sending)}) and NextAttemptAt le {now.ToDateTimeOffset()}");
        var due = new List<OutboxItem>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            due.Add(ToItem(entity));
        }

        return due.OrderBy(i => i.EnqueuedAt).ThenBy(i => i.Notice.Id, StringComparer.Ordinal).Take(max).ToList();
    }

    public async Task<OutboxItem?> TryUpdateAsync(OutboxItem item, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await table.UpdateEntityAsync(ToEntity(item), item.Version is { } version ? new ETag(version) : ETag.All, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return item with { Version = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }
    }

    public async Task<int> CountSentSinceAsync(Instant since, CancellationToken cancellationToken = default)
    {
        var count = 0;
        var filter = TableClient.CreateQueryFilter($"SentAt ge {since.ToDateTimeOffset()}");
        await foreach (var unused in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }

    public async IAsyncEnumerable<OutboxItem> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var items = new List<OutboxItem>();
        await foreach (var entity in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            items.Add(ToItem(entity));
        }

        foreach (var item in items.OrderBy(i => i.EnqueuedAt).ThenBy(i => i.Notice.Id, StringComparer.Ordinal))
        {
            yield return item;
        }
    }

    /// <summary>One partition, the row range of the contract's notice ids (<c>{contract}/…</c>, '/' stored as '|').</summary>
    public async Task<IReadOnlyList<OutboxItem>> ListForContractAsync(string contractId, CancellationToken cancellationToken = default)
    {
        var prefix = TableKeys.Row(contractId) + "|";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Bucket(contractId)} and RowKey ge {prefix} and RowKey lt {TableKeys.Row(contractId) + "}"}");
        var items = new List<OutboxItem>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var item = ToItem(entity);
            if (item.Notice.ContractId == contractId)
            {
                items.Add(item);
            }
        }

        return items.OrderBy(i => i.EnqueuedAt).ThenBy(i => i.Notice.Id, StringComparer.Ordinal).ToList();
    }

    private static TableEntity ToEntity(OutboxItem item) => new(TableKeys.Bucket(item.Notice.ContractId), TableKeys.Row(item.Notice.Id))
    {
        ["Notice"] = LifecycleJson.Serialize(item.Notice),
        ["Status"] = item.Status.ToString(),
        ["Attempts"] = item.Attempts,
        ["EnqueuedAt"] = item.EnqueuedAt.ToDateTimeOffset(),
        ["NextAttemptAt"] = item.NextAttemptAt.ToDateTimeOffset(),
        ["SentAt"] = item.SentAt?.ToDateTimeOffset(),
        ["LastError"] = item.LastError,
        ["SmtpReply"] = item.SmtpReply,
    };

    private static OutboxItem ToItem(TableEntity entity) => new(
        LifecycleJson.Deserialize<Notice>(entity.GetString("Notice")),
        Instant.FromDateTimeOffset(entity.GetDateTimeOffset("EnqueuedAt")!.Value),
        Enum.Parse<DeliveryStatus>(entity.GetString("Status")),
        entity.GetInt32("Attempts") ?? 0,
        Instant.FromDateTimeOffset(entity.GetDateTimeOffset("NextAttemptAt")!.Value),
        entity.GetDateTimeOffset("SentAt") is { } sent ? Instant.FromDateTimeOffset(sent) : null,
        entity.GetString("LastError"),
        entity.GetString("SmtpReply"),
        entity.ETag.ToString());
}

/// <summary>
/// Idempotency keys: PartitionKey = first two hex digits of the key's hash, RowKey = the hash; the first
/// result stays. A result is kept in parts of <see cref="PartChars"/> characters (a string property holds 64 KiB).
/// </summary>
public sealed class TableIdempotencyStore(TableClient table) : IIdempotencyStore
{
    public const int PartChars = 30_000;
    public const int MaxParts = 30;

    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var hash = TableKeys.Hashed(key);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(hash[..2], hash, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue)
        {
            return null;
        }

        var entity = response.Value!;
        var parts = entity.GetInt32("Parts") ?? 1;
        return parts == 1 ? entity.GetString("Result") : string.Concat(Enumerable.Range(0, parts).Select(i => entity.GetString($"Result{i}")));
    }

    public async Task<string> PutIfAbsentAsync(string key, string result, CancellationToken cancellationToken = default)
    {
        var hash = TableKeys.Hashed(key);
        var parts = result.Chunk(PartChars).Select(c => new string(c)).ToList();
        if (parts.Count > MaxParts)
        {
            throw new ArgumentException($"an idempotent result of {result.Length} characters is more than {PartChars * MaxParts}", nameof(result));
        }

        var entity = new TableEntity(hash[..2], hash) { ["Key"] = key, ["Parts"] = Math.Max(1, parts.Count) };
        if (parts.Count <= 1)
        {
            entity["Result"] = result;
        }
        else
        {
            for (var i = 0; i < parts.Count; i++)
            {
                entity[$"Result{i}"] = parts[i];
            }
        }

        try
        {
            await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return await GetAsync(key, cancellationToken).ConfigureAwait(false) ?? result;
        }
    }
}

/// <summary>
/// Events awaiting their round's acknowledgement: PartitionKey = contract id, RowKey = the event id
/// made key-safe; few rows at any time, so the reconciler's scan by <c>LastRaisedAt</c> stays small.
/// </summary>
public sealed class TablePendingEvents(TableClient table) : IPendingEvents
{
    public Task PutAsync(PendingEvent pending, CancellationToken cancellationToken = default) =>
        table.UpsertEntityAsync(new TableEntity(pending.ContractId, TableKeys.Row(pending.EventId))
        {
            ["Event"] = LifecycleJson.Serialize(pending),
            ["LastRaisedAt"] = pending.LastRaisedAt.ToDateTimeOffset(),
        }, TableUpdateMode.Replace, cancellationToken);

    public async Task RemoveAsync(string contractId, string eventId, CancellationToken cancellationToken = default)
    {
        // A delete of a row that is not there answers 404, which the SDK treats as done.
        await table.DeleteEntityAsync(contractId, TableKeys.Row(eventId), ETag.All, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PendingEvent>> RaisedBeforeAsync(Instant raisedBefore, int max, CancellationToken cancellationToken = default)
    {
        var found = new List<PendingEvent>();
        var filter = TableClient.CreateQueryFilter($"LastRaisedAt lt {raisedBefore.ToDateTimeOffset()}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            found.Add(LifecycleJson.Deserialize<PendingEvent>(entity.GetString("Event")));
        }

        return found.OrderBy(p => p.LastRaisedAt).ThenBy(p => p.ContractId, StringComparer.Ordinal).Take(max).ToList();
    }

    /// <summary>One partition: the contract's.</summary>
    public async Task<IReadOnlyList<PendingEvent>> ForContractAsync(string contractId, CancellationToken cancellationToken = default)
    {
        var found = new List<PendingEvent>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {contractId}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            found.Add(LifecycleJson.Deserialize<PendingEvent>(entity.GetString("Event")));
        }

        return found.OrderBy(p => p.AcceptedAt).ThenBy(p => p.EventId, StringComparer.Ordinal).ToList();
    }
}

/// <summary>Where the stores live: a connection string (Azurite, a key) or service endpoints reached with a token (a managed identity).</summary>
public sealed record StorageAccount(string? ConnectionString, Uri? TableEndpoint = null, Uri? BlobEndpoint = null, Azure.Core.TokenCredential? Credential = null)
{
    public TableServiceClient Tables() => ConnectionString is { Length: > 0 } connection
        ? new TableServiceClient(connection)
        : new TableServiceClient(TableEndpoint ?? throw new InvalidOperationException("storage: a connection string or a table endpoint is needed"), Credential ?? throw new InvalidOperationException("storage: a table endpoint needs a credential"));

    public Azure.Storage.Blobs.BlobContainerClient Container(string name) => ConnectionString is { Length: > 0 } connection
        ? new Azure.Storage.Blobs.BlobContainerClient(connection, name)
        : new Azure.Storage.Blobs.BlobContainerClient(
            new Uri(BlobEndpoint ?? throw new InvalidOperationException("storage: a connection string or a blob endpoint is needed"), name),
            Credential ?? throw new InvalidOperationException("storage: a blob endpoint needs a credential"));
}

/// <summary>Connects every store of <see cref="LifecycleStores"/> to one storage account.</summary>
public static class AzureStorage
{
    public const string DocumentsContainer = "documents";

    public static Task<LifecycleStores> ConnectAsync(string connectionString, string prefix = "", CancellationToken cancellationToken = default) =>
        ConnectAsync(new StorageAccount(connectionString), prefix, cancellationToken);

    public static async Task<LifecycleStores> ConnectAsync(StorageAccount account, string prefix = "", CancellationToken cancellationToken = default)
    {
        var tables = new LifecycleTables(account.Tables(), prefix);
        var documents = new Blobs.BlobDocumentStore(account.Container((prefix + DocumentsContainer).ToLowerInvariant()));
        await documents.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return new LifecycleStores(
            new TableContractStore(await tables.TableAsync("Contracts", cancellationToken).ConfigureAwait(false)),
            new TableDueIndex(await tables.TableAsync("DueIndex", cancellationToken).ConfigureAwait(false)),
            new TableHistoryStore(await tables.TableAsync("History", cancellationToken).ConfigureAwait(false)),
            new TableInvoiceStore(await tables.TableAsync("Invoices", cancellationToken).ConfigureAwait(false)),
            new TableUsageStore(await tables.TableAsync("Usage", cancellationToken).ConfigureAwait(false)),
            new TableOutbox(await tables.TableAsync("Outbox", cancellationToken).ConfigureAwait(false)),
            documents,
            new TableIdempotencyStore(await tables.TableAsync("Idempotency", cancellationToken).ConfigureAwait(false)),
            new TablePendingEvents(await tables.TableAsync("PendingEvents", cancellationToken).ConfigureAwait(false)));
    }

    /// <summary>The stores of <see cref="ConnectAsync(StorageAccount, string, CancellationToken)"/> with the webhook outbox (table <c>Webhooks</c>), for a deployment that sends webhooks.</summary>
    public static async Task<LifecycleStores> ConnectWithWebhooksAsync(StorageAccount account, string prefix = "", CancellationToken cancellationToken = default)
    {
        var stores = await ConnectAsync(account, prefix, cancellationToken).ConfigureAwait(false);
        var table = await new LifecycleTables(account.Tables(), prefix).TableAsync("Webhooks", cancellationToken).ConfigureAwait(false);
        return stores with { Webhooks = new TableWebhookOutbox(table) };
    }
}

/// <summary>
/// Outgoing webhooks: PartitionKey = first two hex digits of the event id's hash (256 buckets: an invoice's or a
/// notice's id names no contract to bucket by), RowKey = the event id made key-safe. Added, never replaced, on enqueue
/// (the first row and its delivery record stay); claimed and recorded with conditional replaces under the row's ETag.
/// </summary>
public sealed class TableWebhookOutbox(TableClient table) : IWebhookOutbox
{
    public async Task EnqueueAsync(IReadOnlyList<WebhookEvent> events, Instant now, CancellationToken cancellationToken = default)
    {
        var fresh = events.DistinctBy(e => e.Id).Select(e => ToEntity(new WebhookItem(e, now, WebhookStatus.Pending, 0, now))).ToList();
        await LifecycleTables.AddFirstWinsAsync(table, fresh, cancellationToken).ConfigureAwait(false);
    }

    public async Task<WebhookItem?> GetAsync(string eventId, CancellationToken cancellationToken = default)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(Partition(eventId), TableKeys.Row(eventId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? ToItem(response.Value!) : null;
    }

    public async Task<IReadOnlyList<WebhookItem>> DueAsync(Instant now, int max, CancellationToken cancellationToken = default)
    {
        // Pending and due, or claimed and its lease (NextAttemptAt) expired without an answer recorded.
        var filter = TableClient.CreateQueryFilter($"(Status eq {nameof(WebhookStatus.Pending)} or Status eq {nameof(WebhookStatus.Sending)}) and NextAttemptAt le {now.ToDateTimeOffset()}");
        var due = new List<WebhookItem>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            due.Add(ToItem(entity));
        }

        return due.OrderBy(i => i.EnqueuedAt).ThenBy(i => i.Event.Id, StringComparer.Ordinal).Take(max).ToList();
    }

    public async Task<WebhookItem?> TryUpdateAsync(WebhookItem item, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await table.UpdateEntityAsync(ToEntity(item), item.Version is { } version ? new ETag(version) : ETag.All, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return item with { Version = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<WebhookItem> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var items = new List<WebhookItem>();
        await foreach (var entity in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            items.Add(ToItem(entity));
        }

        foreach (var item in items.OrderBy(i => i.EnqueuedAt).ThenBy(i => i.Event.Id, StringComparer.Ordinal))
        {
            yield return item;
        }
    }

    private static string Partition(string eventId) => TableKeys.Hashed(eventId)[..2];

    private static TableEntity ToEntity(WebhookItem item) => new(Partition(item.Event.Id), TableKeys.Row(item.Event.Id))
    {
        ["EventId"] = item.Event.Id,
        ["Type"] = item.Event.Type,
        ["OccurredAt"] = LocalDatePattern.Iso.Format(item.Event.OccurredAt),
        ["ContractId"] = item.Event.ContractId,
        ["Body"] = item.Event.Body,
        ["Status"] = item.Status.ToString(),
        ["Attempts"] = item.Attempts,
        ["EnqueuedAt"] = item.EnqueuedAt.ToDateTimeOffset(),
        ["NextAttemptAt"] = item.NextAttemptAt.ToDateTimeOffset(),
        ["DeliveredAt"] = item.DeliveredAt?.ToDateTimeOffset(),
        ["LastStatusCode"] = item.LastStatusCode,
        ["LastError"] = item.LastError,
    };

    private static WebhookItem ToItem(TableEntity entity) => new(
        new WebhookEvent(entity.GetString("EventId"), entity.GetString("Type"), LocalDatePattern.Iso.Parse(entity.GetString("OccurredAt")).Value,
            entity.GetString("ContractId"), entity.GetString("Body")),
        Instant.FromDateTimeOffset(entity.GetDateTimeOffset("EnqueuedAt")!.Value),
        Enum.Parse<WebhookStatus>(entity.GetString("Status")),
        entity.GetInt32("Attempts") ?? 0,
        Instant.FromDateTimeOffset(entity.GetDateTimeOffset("NextAttemptAt")!.Value),
        entity.GetDateTimeOffset("DeliveredAt") is { } delivered ? Instant.FromDateTimeOffset(delivered) : null,
        entity.GetInt32("LastStatusCode"),
        entity.GetString("LastError"),
        entity.ETag.ToString());
}
