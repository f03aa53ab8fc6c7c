using System.Globalization;
using System.Text;

namespace CloudLifecycle.Core.Billing.Rendering;

/// <summary>
/// Invoice lines for accounting: one CSV row per line (RFC 4180 quoting), with the invoice's
/// number, dates, contract and month on every row, so rows of many invoices can be concatenated.
/// </summary>
public static class InvoiceCsv
{
    public const string Header =
        "invoice_number,issue_date,due_date,product,contract_id,month,line_no,code,description_ja,description_en,quantity,unit_price,amount,tax_rate,clause";

    public static string Render(Invoice invoice, bool includeHeader = true)
    {
        var csv = new StringBuilder();
        if (includeHeader)
        {
            csv.Append(Header).Append("\r\n");
        }

        for (var i = 0; i < invoice.Lines.Count; i++)
        {
            var line = invoice.Lines[i];
            string[] fields =
            [
                invoice.Number,
                invoice.IssueDate.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture),
                invoice.DueDate.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture),
                invoice.Product.Code,
                invoice.ContractId,
                invoice.Month.ToString("uuuu-MM", CultureInfo.InvariantCulture),
                (i + 1).ToString(CultureInfo.InvariantCulture),
                line.Code,
                line.Description.Ja,
                line.Description.En,
                line.Quantity?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                line.UnitPrice?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                line.Amount.ToString(CultureInfo.InvariantCulture),
                line.TaxRate.ToString(CultureInfo.InvariantCulture),
                line.Clause,
            ];
            csv.AppendJoin(',', fields.Select(Quote)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
