using System.Text;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Billing.Rendering;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Core.Application;

/// <summary>
/// Runs decided commands against the stores. Every write is an upsert under a deterministic key, so
/// running a batch again (a retried activity, a restarted host) changes nothing more. Order matters
/// only for a reader: invoices and their documents are stored before the notice that announces them.
/// </summary>
public sealed class CommandExecutor(LifecycleStores stores)
{
    public async Task ExecuteAsync(IReadOnlyList<LifecycleCommand> commands, Instant now, CancellationToken cancellationToken = default)
    {
        var invoices = commands.OfType<IssueInvoice>().ToList();
        var documents = Task.CompletedTask;
        if (invoices.Count > 0)
        {
            await stores.Invoices.SaveAsync(invoices.Select(i => i.Invoice).ToList(), cancellationToken).ConfigureAwait(false);
            // Issue 17: the documents (two blobs per invoice, most of a run's requests) go out while the table rows
            // below are written; only the notices, which announce them, wait for them.
            documents = Parallel.ForEachAsync(invoices, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (issued, token) => await StoreDocumentsAsync(issued, token).ConfigureAwait(false));
        }

        var history = HistoryOf(commands);
        await Task.WhenAll(documents, WriteRowsAsync(commands, history, cancellationToken)).ConfigureAwait(false);

        var notices = commands.OfType<EnqueueNotice>().Select(n => n.Notice).ToList();
        if (notices.Count > 0)
        {
            await stores.Outbox.EnqueueAsync(notices, now, cancellationToken).ConfigureAwait(false);
        }

        // Last, so that a CRM that reads on a webhook finds what it announces; keyed by event id, the first row kept.
        if (stores.Webhooks is { } webhooks && WebhookEvents.ForBatch(history, invoices.Select(i => i.Invoice)) is { Count: > 0 } events)
        {
            await webhooks.EnqueueAsync(events, now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The history a decision records: its entries, and a closing entry per contract it closes.</summary>
    private static List<RecordHistory> HistoryOf(IReadOnlyList<LifecycleCommand> commands) =>
        commands.OfType<RecordHistory>()
            .Concat(commands.OfType<CloseContract>().Select(c => new RecordHistory(
                new HistoryEntry($"closed/{LifecycleJson.Iso(c.Date)}", c.Date, "ContractClosed", c.Clause, c.Reason)) { ContractId = c.ContractId }))
            .ToList();

    /// <summary>The rows a decision writes besides its invoices and notices: usage, history, wake-ups.</summary>
    private async Task WriteRowsAsync(IReadOnlyList<LifecycleCommand> commands, List<RecordHistory> history, CancellationToken cancellationToken)
    {
        var usage = commands.OfType<StoreUsage>().Select(u => (u.ContractId, u.Usage)).ToList();
        if (usage.Count > 0)
        {
            await stores.Usage.SaveAsync(usage, cancellationToken).ConfigureAwait(false);
        }

        if (history.Count > 0)
        {
            await stores.History.AppendAsync(history, cancellationToken).ConfigureAwait(false);
        }

        var wakeUps = commands.OfType<ScheduleWakeUp>().Where(w => w.Date is not null).Select(w => (w.ContractId, w.Date!.Value)).ToList();
        if (wakeUps.Count > 0)
        {
            await stores.DueIndex.AddManyAsync(wakeUps, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Blob paths of an invoice's renderings.</summary>
    public static string DocumentPath(Invoice invoice, string extension) =>
        $"invoices/{invoice.Month.Year:0000}-{invoice.Month.Month:00}/{invoice.Number}.{extension}";

    private async Task StoreDocumentsAsync(IssueInvoice issued, CancellationToken cancellationToken)
    {
        var html = InvoiceHtml.Render(issued.Invoice, issued.Language);
        // UTF-8 straight from the serializer: the same bytes as the JSON text encoded, without the text (issue 17).
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(issued.Invoice, LifecycleJson.Options);
        await Task.WhenAll(
            stores.Documents.PutAsync(DocumentPath(issued.Invoice, "html"), "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html), cancellationToken),
            stores.Documents.PutAsync(DocumentPath(issued.Invoice, "json"), "application/json", json, cancellationToken)).ConfigureAwait(false);
    }
}
