using System.Globalization;
using System.Text;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Billing.Books;
using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Application;

/// <summary>A month's journal as one import file: its bytes in the program's code page, and what it holds.</summary>
public sealed record JournalFile(string FileName, string ContentType, byte[] Content, int Documents, int Receipts, IReadOnlyList<JournalLine> Lines);

/// <summary>
/// <c>export journal</c> and <c>GET /journal</c>: the month's issued documents (every invoice the store keeps under the
/// month — the month's charges, termination charges, late interest, payouts: the same set the billing report's
/// <c>monthTotal</c> counts) and the payments recorded in the month, as an accounting program's import CSV.
/// Shift_JIS needs the code-page provider (System.Text.Encoding.CodePages, part of the shared framework): the hosts
/// register it at start-up; the domain never does.
/// </summary>
public static class JournalExport
{
    /// <summary>Contracts read per page when collecting the month's payments from their histories.</summary>
    public const int ContractPageSize = 100;

    public static async Task<JournalFile> ExportAsync(LifecycleStores stores, YearMonth month, JournalFormat format, CancellationToken cancellationToken = default)
    {
        var documents = await stores.Invoices.ListByMonthAsync(month, cancellationToken).ConfigureAwait(false);
        var receipts = await ReceiptsAsync(stores, month, cancellationToken).ConfigureAwait(false);
        var lines = Journal.For(month, documents, receipts);
        var text = JournalCsv.Write(format, lines);
        var codePage = JournalCsv.CodePage(format);
        var content = Encode(text, codePage, format);
        var charset = codePage == JournalCsv.ShiftJis ? "Shift_JIS" : "utf-8";
        return new JournalFile(
            string.Create(CultureInfo.InvariantCulture, $"journal-{JournalCsv.Name(format)}-{month:uuuu-MM}.csv"),
            $"text/csv; charset={charset}", content, documents.Count(d => d.Month == month), receipts.Count, lines);
    }

    /// <summary>
    /// Payments and payouts recorded in the month, from every contract's history (the decider records each with its key,
    /// <see cref="Receipts"/>). Reads every contract's history: a month's export is an on-demand job, not a request path.
    /// </summary>
    public static async Task<IReadOnlyList<Receipt>> ReceiptsAsync(LifecycleStores stores, YearMonth month, CancellationToken cancellationToken = default)
    {
        var receipts = new List<Receipt>();
        await foreach (var page in stores.Contracts.ScanAsync(ContractPageSize, cancellationToken).ConfigureAwait(false))
        {
            foreach (var contract in page)
            {
                var history = await stores.History.ListAsync(contract.State.ContractId, cancellationToken).ConfigureAwait(false);
                receipts.AddRange(history.Where(h => h.Date.ToYearMonth() == month).Select(Receipts.FromHistory).OfType<Receipt>());
            }
        }

        return receipts;
    }

    /// <summary>
    /// The text in <paramref name="codePage"/>; a character Shift_JIS has no code for is refused, naming it, rather than
    /// written as '?' (an accountant would import a wrong name). UTF-8 gets a BOM, as freee's own sample file has.
    /// </summary>
    public static byte[] Encode(string text, int codePage, JournalFormat format)
    {
        if (codePage == JournalCsv.Utf8)
        {
            return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)];
        }

        var encoding = Encoding.GetEncoding(codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        try
        {
            return encoding.GetBytes(text);
        }
        catch (EncoderFallbackException e)
        {
            var character = e.IsUnknownSurrogate() ? char.ConvertFromUtf32(char.ConvertToUtf32(e.CharUnknownHigh, e.CharUnknownLow)) : e.CharUnknown.ToString();
            throw new ContractRuleException("format", string.Create(CultureInfo.InvariantCulture,
                $"'{character}' (U+{char.ConvertToUtf32(character, 0):X4}) has no Shift_JIS code, which {JournalCsv.Name(format)} reads; export this month as freee (UTF-8) or correct the name"));
        }
    }
}
