using System.Globalization;
using CloudLifecycle.Core.Contracts;

namespace CloudLifecycle.Core.Billing.Rendering;

/// <summary>One row of the invoice's table: item, quantity, unit price, amount, clause (empty where a column has nothing).</summary>
public sealed record InvoicePageRow(string Item, string Quantity, string UnitPrice, string Amount, string Clause);

/// <summary>
/// What a printed invoice says, in reading order, with the labels and figures of <see cref="InvoiceHtml"/>: the PDF
/// (an adapter) lays out exactly this, so the PDF and the HTML page of a document carry the same content — title,
/// recipient 御中, number, issue and due dates with the due date's clause, the month, issuer and registration number,
/// the transfer account (振込先) where one is configured and the document asks for payment,
/// the total, each line with quantity, unit price and clause, the subtotal, amount and tax per rate, the total and
/// the tax rounding note.
/// </summary>
public sealed record InvoicePage(
    string Title,
    IReadOnlyList<(string Label, string Value)> Head,
    string TotalLine,
    InvoicePageRow Columns,
    IReadOnlyList<InvoicePageRow> Lines,
    IReadOnlyList<InvoicePageRow> Totals,
    string? Note)
{
    public static InvoicePage Of(Invoice invoice, Language language = Language.Ja)
    {
        var l = InvoiceHtml.For(invoice.Kind, language);
        var en = language == Language.En;
        // A payout is money we pay: shown as the positive sum paid, not as a negative bill (as the HTML page).
        var sign = InvoiceHtml.Sign(invoice.Kind);
        var shownTotal = InvoiceHtml.Yen(sign * invoice.Total);
        var head = new List<(string, string)>
        {
            (l.Recipient, $"{invoice.Recipient} {l.Honorific}".TrimEnd()),
            (l.Number, invoice.Number),
            (l.Issued, Iso(invoice.IssueDate)),
            (l.Due, $"{Iso(invoice.DueDate)} ({invoice.DueDateClause})"),
            (l.Month, invoice.TransactionMonth.ToString("uuuu-MM", CultureInfo.InvariantCulture)),
        };
        head.AddRange(InvoiceHtml.CorrectionRows(invoice, language));

        head.Add((l.IssuerLabel, $"{invoice.Issuer.Name} ({l.Registration}: {invoice.Issuer.RegistrationNumber})"));
        head.AddRange(InvoiceHtml.TransferRows(invoice, language));
        var lines = invoice.Lines
            .Select(line => new InvoicePageRow(
                line.Description.In(language) + (line.TaxRate == 0 ? $" ({l.OutOfScope})" : string.Empty),
                line.Quantity is { } q ? q.ToString("0.####", CultureInfo.InvariantCulture) : string.Empty,
                line.UnitPrice is { } unit ? InvoiceHtml.UnitPrice(unit) : string.Empty,
                InvoiceHtml.Yen(sign * line.Amount),
                line.Clause))
            .ToList();
        var totals = new List<InvoicePageRow> { new(l.Subtotal, string.Empty, string.Empty, InvoiceHtml.Yen(sign * invoice.Subtotal), string.Empty) };
        totals.AddRange(invoice.TaxSummaries.Select(summary => new InvoicePageRow(
            summary.Rate == 0 ? l.OutOfScope : string.Format(CultureInfo.InvariantCulture, l.TaxAt, summary.Rate * 100),
            string.Empty,
            string.Empty,
            $"{InvoiceHtml.Yen(sign * summary.TaxableAmount)} / {(en ? "tax" : "消費税")} {InvoiceHtml.Yen(sign * summary.Tax)}",
            invoice.TaxClause)));
        totals.Add(new InvoicePageRow(l.Total, string.Empty, string.Empty, shownTotal, string.Empty));
        var note = invoice.TaxSummaries.Any(t => t.Rate > 0) ? string.Format(CultureInfo.InvariantCulture, l.TaxNote, invoice.TaxClause) : null;
        return new InvoicePage(
            l.Title,
            head,
            $"{l.Total}: {shownTotal}",
            new InvoicePageRow(l.Item, l.Quantity, l.UnitPrice, l.Amount, l.Clause),
            lines,
            totals,
            note);
    }

    private static string Iso(NodaTime.LocalDate date) => date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
}
