using System.Globalization;
using System.Xml.Linq;
using CloudLifecycle.Core.Time;

namespace CloudLifecycle.Core.Billing.Rendering;

/// <summary>
/// A document as a Peppol JP PINT e-invoice (UBL 2.1 <c>Invoice</c>, <c>urn:peppol:pint:billing-1@jp-1</c>, JP PINT
/// 1.1.3). Every document the system issues — a month's invoice, termination charges, late interest, a payout
/// statement — is a standard invoice 380; a sum owed to the customer is a negative 380 (negative quantity, positive
/// price), as JP PINT says Japanese practice does instead of a 381 credit note (BIS §1.5.2, Example 7).
///
/// What each element carries and the rule it answers (ids of the JP PINT 1.1.3 rules):
/// specification and process ids (ibr-001, ibr-076); number, issue date, type 380 (ibr-002/003/004,
/// aligned-ibrp-cl-02-jp); JPY (ibr-005); the charge month as invoice period — the 取引年月日 (aligned-ibrp-052);
/// the issuer's name and T-number as tax id without scheme, TaxScheme VAT (ibr-006, aligned-ibr-jp-04, aligned-ibr-jp-01,
/// aligned-ibr-jp-03) and as electronic address under EAS 0221 (ibr-062/081); the recipient's name (ibr-007) and,
/// when known, e-mail address as its electronic address (EAS "EM", ibr-063/080); country JP for both (ibr-008..011:
/// our parties are Japanese businesses and the system keeps no postal address); one tax breakdown per rate with
/// taxable amount, integer tax, category and rate — S 10%, O without rate for what is outside the scope of tax
/// (aligned-ibrp-045..048, aligned-ibr-jp-06, aligned-ibrp-051-jp, aligned-ibrp-o-05); totals (ibr-012..015); and a
/// line per invoice line with id, quantity, unit, net amount, name, net price and category (ibr-016, ibr-021..026),
/// its clause in the line note (ibt-127).
///
/// Corrections (消費税法 §57-4(3)/(4)) follow JP PINT too: a credit note (適格返還請求書) is a negative 380 — BIS §1.5.2
/// 「Standard Japanese invoice (380) is usually used as the negative invoice, instead of Credit Note (381)」 and Example 7
/// (a return as a 380 with negative quantity and amounts, the returned transaction's date in the line note) — rather than a
/// UBL CreditNote 381, whose acceptance by Japanese receivers is unconfirmed (jp-documents §2.6); a corrected invoice
/// (修正した適格請求書) is a new 380 reissuing every item (BIS §3.1.9, Example 6). Both name the invoice they correct in
/// BillingReference (ibg-03: ibt-025 number, ibt-026 issue date), carry the corrected transaction's month as invoice period
/// (the 取引年月日 of the return, §57-4(3)) and the reason in the document note (ibt-022).
/// </summary>
public static class InvoiceUbl
{
    public const string CustomizationId = "urn:peppol:pint:billing-1@jp-1";
    public const string ProfileId = "urn:peppol:bis:billing";

    /// <summary>ICD/EAS 0221: the registered number of the qualified invoice issuer (Japan).</summary>
    public const string RegistrationNumberScheme = "0221";

    /// <summary>EAS "EM": an e-mail address as electronic address.</summary>
    public const string EmailScheme = "EM";

    public static readonly XNamespace Ubl = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
    public static readonly XNamespace Cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
    public static readonly XNamespace Cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

    private const string Currency = "JPY";

    /// <summary>The XML document (UTF-8, indented); <paramref name="buyerEmail"/> becomes the buyer's electronic address.</summary>
    public static string Render(Invoice invoice, string? buyerEmail = null)
    {
        var document = new XDocument(new XDeclaration("1.0", "UTF-8", null), Build(invoice, buyerEmail));
        using var writer = new Utf8StringWriter();
        document.Save(writer);
        return writer.ToString();
    }

    public static XElement Build(Invoice invoice, string? buyerEmail = null)
    {
        var returned = invoice.Kind == InvoiceKind.CreditNote && invoice.Correction is { } c ? $"; 返還等の対象取引 {c.Month:uuuu-MM}分 ({c.Number}, {Iso(c.IssueDate)})" : string.Empty;
        var lines = invoice.Lines.Select((line, i) => Line(line, i + 1, returned)).ToList();
        return new XElement(Ubl + "Invoice",
            new XAttribute(XNamespace.Xmlns + "cac", Cac),
            new XAttribute(XNamespace.Xmlns + "cbc", Cbc),
            new XElement(Cbc + "CustomizationID", CustomizationId),
            new XElement(Cbc + "ProfileID", ProfileId),
            new XElement(Cbc + "ID", invoice.Number),
            new XElement(Cbc + "IssueDate", Iso(invoice.IssueDate)),
            new XElement(Cbc + "DueDate", Iso(invoice.DueDate)),
            new XElement(Cbc + "InvoiceTypeCode", "380"),
            new XElement(Cbc + "Note", $"支払期日の根拠 {invoice.DueDateClause}; 消費税 {invoice.TaxClause}"),
            invoice.Correction is { } reason ? new XElement(Cbc + "Note", $"{(invoice.Kind == InvoiceKind.CreditNote ? "返還等の理由" : "訂正の理由")}: {reason.Reason}") : null,
            new XElement(Cbc + "DocumentCurrencyCode", Currency),
            new XElement(Cac + "InvoicePeriod",
                new XElement(Cbc + "StartDate", Iso(invoice.TransactionMonth.FirstOfMonth())),
                new XElement(Cbc + "EndDate", Iso(invoice.TransactionMonth.EndOfMonth()))),
            invoice.Correction is { } corrected
                ? new XElement(Cac + "BillingReference", new XElement(Cac + "InvoiceDocumentReference",
                    new XElement(Cbc + "ID", corrected.Number),
                    new XElement(Cbc + "IssueDate", Iso(corrected.IssueDate))))
                : null,
            new XElement(Cac + "AccountingSupplierParty", new XElement(Cac + "Party",
                new XElement(Cbc + "EndpointID", new XAttribute("schemeID", RegistrationNumberScheme), invoice.Issuer.RegistrationNumber),
                Country(),
                new XElement(Cac + "PartyTaxScheme",
                    new XElement(Cbc + "CompanyID", invoice.Issuer.RegistrationNumber),
                    new XElement(Cac + "TaxScheme", new XElement(Cbc + "ID", "VAT"))),
                new XElement(Cac + "PartyLegalEntity", new XElement(Cbc + "RegistrationName", invoice.Issuer.Name)))),
            new XElement(Cac + "AccountingCustomerParty", new XElement(Cac + "Party",
                buyerEmail is { Length: > 0 } email ? new XElement(Cbc + "EndpointID", new XAttribute("schemeID", EmailScheme), email) : null,
                Country(),
                new XElement(Cac + "PartyLegalEntity", new XElement(Cbc + "RegistrationName", invoice.Recipient)))),
            new XElement(Cac + "TaxTotal",
                Amount("TaxAmount", invoice.Tax),
                invoice.TaxSummaries.Select(summary => new XElement(Cac + "TaxSubtotal",
                    Amount("TaxableAmount", summary.TaxableAmount),
                    Amount("TaxAmount", summary.Tax),
                    Category("TaxCategory", summary.Rate)))),
            new XElement(Cac + "LegalMonetaryTotal",
                Amount("LineExtensionAmount", invoice.Subtotal),
                Amount("TaxExclusiveAmount", invoice.Subtotal),
                Amount("TaxInclusiveAmount", invoice.Total),
                Amount("PayableAmount", invoice.Total)),
            lines);
    }

    /// <summary>
    /// An invoice line: the quantity and unit price where they multiply to the amount, otherwise one unit at the amount
    /// (a fee rounded by its clause, a percentage); a credit is a negative quantity at a positive price (BIS §1.4).
    /// </summary>
    private static XElement Line(InvoiceLine line, int id, string noteSuffix)
    {
        var exact = line.Quantity is { } q && line.UnitPrice is { } p && q != 0 && q * p == line.Amount;
        var (quantity, price) = exact
            ? (line.Quantity!.Value, line.UnitPrice!.Value)
            : (line.Amount < 0 ? -1m : 1m, Math.Abs((decimal)line.Amount));
        if (price < 0)
        {
            (quantity, price) = (-quantity, -price);
        }

        return new XElement(Cac + "InvoiceLine",
            new XElement(Cbc + "ID", id.ToString(CultureInfo.InvariantCulture)),
            new XElement(Cbc + "Note", line.Clause + noteSuffix),
            new XElement(Cbc + "InvoicedQuantity", new XAttribute("unitCode", "C62"), Number(quantity)),
            Amount("LineExtensionAmount", line.Amount),
            new XElement(Cac + "Item",
                new XElement(Cbc + "Name", line.Description.Ja),
                Category("ClassifiedTaxCategory", line.TaxRate)),
            new XElement(Cac + "Price", Amount("PriceAmount", price)));
    }

    /// <summary>S with its percent for a taxed rate; O (不課税), without a percent, for what is outside the scope of tax.</summary>
    private static XElement Category(string name, decimal rate) =>
        rate == InvoiceAssembler.OutOfScope
            ? new XElement(Cac + name,
                new XElement(Cbc + "ID", "O"),
                name == "TaxCategory" ? new XElement(Cbc + "TaxExemptionReason", "不課税（対価性のない損害金・遅延損害金等）") : null,
                new XElement(Cac + "TaxScheme", new XElement(Cbc + "ID", "VAT")))
            : new XElement(Cac + name,
                new XElement(Cbc + "ID", "S"),
                new XElement(Cbc + "Percent", Number(rate * 100)),
                new XElement(Cac + "TaxScheme", new XElement(Cbc + "ID", "VAT")));

    private static XElement Country() =>
        new(Cac + "PostalAddress", new XElement(Cac + "Country", new XElement(Cbc + "IdentificationCode", "JP")));

    private static XElement Amount(string name, decimal value) =>
        new(Cbc + name, new XAttribute("currencyID", Currency), Number(value));

    private static string Number(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Iso(NodaTime.LocalDate date) => date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);

    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter()
            : base(CultureInfo.InvariantCulture)
        {
        }

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
    }
}
