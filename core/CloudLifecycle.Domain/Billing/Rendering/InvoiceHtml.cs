using System.Globalization;
using System.Text;
using CloudLifecycle.Core.Contracts;

namespace CloudLifecycle.Core.Billing.Rendering;

/// <summary>
/// A printable HTML page of an invoice, in Japanese (default) or English, carrying everything a
/// qualified invoice (適格請求書) must: issuer and registration number, recipient, transaction
/// month, lines, amount and tax per rate, total — and the clause behind every line.
/// </summary>
public static class InvoiceHtml
{
    internal sealed record Labels(
        string Title, string Number, string Issued, string Due, string Month, string Registration, string Recipient,
        string Item, string Quantity, string UnitPrice, string Amount, string Clause, string Subtotal, string TaxAt,
        string OutOfScope, string Total, string TaxNote, string Honorific, string IssuerLabel);

    private static readonly Labels Ja = new("請求書（適格請求書）", "請求書番号", "発行日", "お支払期限", "対象月", "登録番号", "宛先",
        "品目", "数量", "単価", "金額", "根拠条項", "小計", "{0:0.##}%対象", "不課税", "ご請求金額（税込）", "消費税は税率ごとに合計額から計算し、端数を処理しています（{0}）。", "御中", "発行者");

    private static readonly Labels En = new("Invoice (qualified invoice)", "Invoice number", "Issued", "Payment due", "Month", "Registration number", "Bill to",
        "Item", "Qty", "Unit price", "Amount", "Clause", "Subtotal", "Taxable at {0:0.##}%", "Outside the scope of tax", "Total (tax included)", "Tax is computed once per rate on the total at that rate ({0}).", string.Empty, "Issuer");

    /// <summary>The labels of a document of <paramref name="kind"/>: a late-interest invoice and a payout statement say what they are.</summary>
    internal static Labels For(InvoiceKind kind, Language language)
    {
        var en = language == Language.En;
        var l = en ? En : Ja;
        return kind switch
        {
            InvoiceKind.LateInterest => l with { Title = en ? "Invoice (late interest)" : "請求書（遅延損害金）" },
            InvoiceKind.TerminationCharges => l with { Title = en ? "Invoice (termination charges, qualified invoice)" : "請求書（解約・解除に伴う料金、適格請求書）" },
            InvoiceKind.ProviderPayout => l with
            {
                Title = en ? "Payment statement (our termination of the contract)" : "お支払通知書（当社による契約解除に伴うお支払い）",
                Number = en ? "Statement number" : "通知書番号",
                Due = en ? "Paid by" : "お支払日",
                Total = en ? "We pay you" : "当社からのお支払額",
                Recipient = en ? "To" : "宛先",
            },
            // 消費税法 §57-4(3): the credit note shows the returned amount per rate and its tax, the day of the return and the
            // month of the transaction returned; the sums are printed as returned (positive), under labels that say so.
            InvoiceKind.CreditNote => l with
            {
                Title = en ? "Credit note (qualified invoice for return, 適格返還請求書)" : "適格返還請求書（対価の返還等）",
                Number = en ? "Credit note number" : "返還請求書番号",
                Due = en ? "Date of the return" : "返還等を行う年月日",
                Month = en ? "Month of the returned transaction" : "返還等の対象となった取引（月分）",
                Subtotal = en ? "Returned (tax excluded)" : "返還等の金額（税抜）",
                Total = en ? "Returned (tax included)" : "返還等の金額（税込）",
            },
            InvoiceKind.CorrectedInvoice => l with { Title = en ? "Corrected invoice (qualified invoice, replaces the original)" : "修正した適格請求書（訂正後の請求書）" },
            _ => l,
        };
    }

    /// <summary>The sign figures are printed with: a payout and a credit note show the sum paid or returned as positive.</summary>
    internal static int Sign(InvoiceKind kind) => kind is InvoiceKind.ProviderPayout or InvoiceKind.CreditNote ? -1 : 1;

    /// <summary>
    /// The transfer account under the issuer, on a document that asks the customer to pay (not on a payout or a credit
    /// note, where the money flows the other way); nothing when no account is configured.
    /// </summary>
    internal static IReadOnlyList<(string Label, string Value)> TransferRows(Invoice invoice, Language language) =>
        invoice.Issuer.Transfer is { } transfer && Sign(invoice.Kind) > 0
            ? [(language == Language.En ? "Pay by bank transfer to" : "お振込先", transfer.ToString())]
            : [];

    /// <summary>The rows a correction adds under the head: the document it corrects (number and 発行日) and why.</summary>
    internal static IReadOnlyList<(string Label, string Value)> CorrectionRows(Invoice invoice, Language language)
    {
        if (invoice.Correction is not { } c)
        {
            return invoice.Refers is { } refers ? [(language == Language.En ? "Refers to" : "対象の請求書", refers)] : [];
        }

        var en = language == Language.En;
        var issued = c.IssueDate.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
        return invoice.Kind == InvoiceKind.CreditNote
            ? [(en ? "Invoice returned against" : "返還等の対象となった請求書", en ? $"{c.Number} (issued {issued})" : $"{c.Number}（発行日 {issued}）"), (en ? "Reason" : "理由", c.Reason)]
            : [(en ? "Corrects and replaces" : "訂正前の請求書（本書に差し替え）", en ? $"{c.Number} (issued {issued})" : $"{c.Number}（発行日 {issued}）"), (en ? "Reason" : "訂正の理由", c.Reason)];
    }

    public static string Render(Invoice invoice, Language language = Language.Ja)
    {
        var l = For(invoice.Kind, language);
        // A payout is money we pay: shown as the positive sum paid, not as a negative bill.
        var sign = Sign(invoice.Kind);
        var shownTotal = sign * invoice.Total;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="{{(language == Language.En ? "en" : "ja")}}">
            <head>
            <meta charset="utf-8">
            <title>{{Escape(l.Title)}} {{Escape(invoice.Number)}}</title>
            <style>
            body { font-family: "Noto Sans JP", "Hiragino Sans", "Yu Gothic", sans-serif; margin: 2em; color: #111; }
            h1 { font-size: 1.6em; border-bottom: 2px solid #111; }
            table { border-collapse: collapse; width: 100%; margin: 1em 0; }
            th, td { border: 1px solid #999; padding: 0.3em 0.6em; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            .head td { border: none; padding: 0.1em 0.6em 0.1em 0; }
            .total { font-size: 1.3em; font-weight: bold; }
            .clause { color: #555; font-size: 0.9em; }
            @page { size: A4; margin: 15mm; }
            @media print { body { margin: 0; } }
            </style>
            </head>
            <body>
            <h1>{{Escape(l.Title)}}</h1>
            <table class="head">
            <tr><td>{{Escape(l.Recipient)}}</td><td>{{Escape(invoice.Recipient)}} {{Escape(l.Honorific)}}</td></tr>
            <tr><td>{{Escape(l.Number)}}</td><td>{{Escape(invoice.Number)}}</td></tr>
            <tr><td>{{Escape(l.Issued)}}</td><td>{{invoice.IssueDate:uuuu-MM-dd}}</td></tr>
            <tr><td>{{Escape(l.Due)}}</td><td>{{invoice.DueDate:uuuu-MM-dd}} <span class="clause">({{Escape(invoice.DueDateClause)}})</span></td></tr>
            <tr><td>{{Escape(l.Month)}}</td><td>{{invoice.TransactionMonth:uuuu-MM}}</td></tr>{{string.Concat(CorrectionRows(invoice, language).Select(r => $"<tr><td>{Escape(r.Label)}</td><td>{Escape(r.Value)}</td></tr>"))}}
            <tr><td>{{Escape(l.IssuerLabel)}}</td><td>{{Escape(invoice.Issuer.Name)}} ({{Escape(l.Registration)}}: {{Escape(invoice.Issuer.RegistrationNumber)}})</td></tr>{{string.Concat(TransferRows(invoice, language).Select(r => $"<tr><td>{Escape(r.Label)}</td><td>{Escape(r.Value)}</td></tr>"))}}
            </table>
            <p class="total">{{Escape(l.Total)}}: {{Yen(shownTotal)}}</p>
            <table>
            <tr><th scope="col">{{Escape(l.Item)}}</th><th scope="col">{{Escape(l.Quantity)}}</th><th scope="col">{{Escape(l.UnitPrice)}}</th><th scope="col">{{Escape(l.Amount)}}</th><th scope="col">{{Escape(l.Clause)}}</th></tr>

            """);
        foreach (var line in invoice.Lines)
        {
            var rate = line.TaxRate == 0 ? $" ({l.OutOfScope})" : string.Empty;
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{Escape(line.Description.In(language) + rate)}</td><td class=\"n\">{line.Quantity:0.####}</td><td class=\"n\">{(line.UnitPrice is { } unit ? UnitPrice(unit) : string.Empty)}</td><td class=\"n\">{Yen(sign * line.Amount)}</td><td class=\"clause\">{Escape(line.Clause)}</td></tr>\n");
        }

        html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\" colspan=\"3\">{Escape(l.Subtotal)}</th><td class=\"n\">{Yen(sign * invoice.Subtotal)}</td><td></td></tr>\n");
        foreach (var summary in invoice.TaxSummaries)
        {
            var label = summary.Rate == 0 ? l.OutOfScope : string.Format(CultureInfo.InvariantCulture, l.TaxAt, summary.Rate * 100);
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><th scope=\"row\" colspan=\"3\">{Escape(label)}</th><td class=\"n\">{Yen(sign * summary.TaxableAmount)} / {(language == Language.En ? "tax" : "消費税")} {Yen(sign * summary.Tax)}</td><td class=\"clause\">{Escape(invoice.TaxClause)}</td></tr>\n");
        }

        html.Append(CultureInfo.InvariantCulture, $$"""
            <tr><th scope="row" colspan="3">{{Escape(l.Total)}}</th><td class="n total">{{Yen(shownTotal)}}</td><td></td></tr>
            </table>
            {{(invoice.TaxSummaries.Any(t => t.Rate > 0)
                ? $"<p class=\"clause\">{Escape(string.Format(CultureInfo.InvariantCulture, l.TaxNote, invoice.TaxClause))}</p>"
                : string.Empty)}}
            </body>
            </html>

            """);
        return html.ToString();
    }

    /// <summary>"¥1,234" and, for a credit, "-¥1,234".</summary>
    public static string Yen(long amount) =>
        amount < 0 ? $"-¥{-amount:N0}" : $"¥{amount:N0}";

    internal static string UnitPrice(decimal unit) =>
        unit == decimal.Truncate(unit) ? Yen((long)unit) : $"¥{unit:N2}";

    /// <summary>Escapes the five characters HTML gives meaning to; Japanese text and § stay readable in the source.</summary>
    public static string Escape(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal)
        .Replace("'", "&#39;", StringComparison.Ordinal);
}
