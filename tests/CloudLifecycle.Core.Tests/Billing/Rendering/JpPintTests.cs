using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Billing.Rendering;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using static CloudLifecycle.Core.Tests.Billing.BillingFixtures;
using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Billing.Rendering;

/// <summary>
/// Issue 15 point 3: every document as a JP PINT e-invoice. No JP PINT validator is served by a registry here, so the
/// rules the XML relies on are checked one by one, by their JP PINT 1.1.3 ids (JpPintRules), on a document of each kind.
/// </summary>
public class JpPintTests
{
    private static readonly XNamespace Cac = InvoiceUbl.Cac;
    private static readonly XNamespace Cbc = InvoiceUbl.Cbc;

    /// <summary>A month's invoice of each product, termination charges (out of the scope of tax beside 10%), late interest and a payout (negative).</summary>
    public static TheoryData<string> Documents() => new() { "eclect-aws", "nec-express5800", "ntt-east-aws-ops", "optage-neutrix", "optage-storage", "nec-breach", "late-interest", "payout" };

    private static Invoice Document(string kind) => kind switch
    {
        "eclect-aws" => Bill(Eclect()),
        "nec-express5800" => Bill(Nec()),
        "ntt-east-aws-ops" => Bill(Ntt() with { Outage = new ServiceOutage(48), QualifiedInvoiceRequested = true }),
        "optage-neutrix" => Bill(Optage() with { ResourceFee = 123_456m }),
        "optage-storage" => Bill(Optage(ProductCode.OptageStorage)),
        "nec-breach" => Bill(Nec("2027-03") with { Termination = new NecTermination(D("2027-03-10"), NecTerminationReason.Breach) }),
        "late-interest" => LateInterestInvoice.Build(BillingCatalog.For(ProductCode.OptageNeutrix), "C-OPT", BillingFixtures.Issuer, "顧客株式会社", "INV-C-OPT-202609",
            BillingCatalog.For(ProductCode.OptageNeutrix).LateInterest.Compute(1_014_200, D("2026-10-30"), D("2026-11-19")), 1, D("2026-11-20")),
        _ => InvoiceAssembler.Assemble(Optage(), [InvoiceAssembler.Line("provider-payout", new Text("当社による解除に伴う支払", "payout"), -66_000, "§29-3", 3, 22_000, InvoiceAssembler.OutOfScope)],
            (D("2026-11-02"), D("2026-12-31"), "§29-3"), RoundingRule.OurPolicy, "§29-3") with { Kind = InvoiceKind.ProviderPayout },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryDocument_MeetsTheJpPintRulesItReliesOn(string kind)
    {
        var invoice = Document(kind);

        var xml = XDocument.Parse(InvoiceUbl.Render(invoice, "billing@customer.example.jp"));

        Assert.Empty(JpPintRules.Broken(xml));
        Assert.Equal(invoice.Number, Value(xml, Cbc + "ID"));
        Assert.Equal(invoice.Total.ToString(CultureInfo.InvariantCulture), xml.Root!.Element(Cac + "LegalMonetaryTotal")!.Element(Cbc + "PayableAmount")!.Value);
        Assert.Equal(invoice.TaxSummaries.Count, xml.Root.Element(Cac + "TaxTotal")!.Elements(Cac + "TaxSubtotal").Count());
        Assert.Equal(invoice.Lines.Select(l => l.Clause), xml.Root.Elements(Cac + "InvoiceLine").Select(l => l.Element(Cbc + "Note")!.Value));
    }

    [Fact]
    public void TheRuleCheck_FindsEachBreach_ByItsId()
    {
        var invoice = Bill(Nec("2027-03") with { Termination = new NecTermination(D("2027-03-10"), NecTerminationReason.Breach) });
        XDocument Broken(Action<XElement> breach)
        {
            var xml = XDocument.Parse(InvoiceUbl.Render(invoice, "billing@customer.example.jp"));
            breach(xml.Root!);
            return xml;
        }

        Assert.Contains("aligned-ibrp-cl-02-jp", JpPintRules.Broken(Broken(r => r.Element(Cbc + "InvoiceTypeCode")!.Value = "381")));
        Assert.Contains("aligned-ibr-jp-01", JpPintRules.Broken(Broken(r => r.Descendants(Cac + "PartyTaxScheme").First().Element(Cbc + "CompanyID")!.Value = "1234567890123")));
        Assert.Contains("aligned-ibrp-052", JpPintRules.Broken(Broken(r => r.Element(Cac + "InvoicePeriod")!.Remove())));
        Assert.Contains("aligned-ibrp-o-05", JpPintRules.Broken(Broken(r => r.Descendants(Cac + "TaxCategory").Single(c => c.Element(Cbc + "ID")!.Value == "O").Element(Cbc + "ID")!.AddAfterSelf(new XElement(Cbc + "Percent", "0")))));
        Assert.Contains("aligned-ibrp-051-jp", JpPintRules.Broken(Broken(r => r.Descendants(Cac + "TaxSubtotal").First().Element(Cbc + "TaxAmount")!.Value = "1")));
        Assert.Contains("ibr-co-sum", JpPintRules.Broken(Broken(r => r.Elements(Cac + "InvoiceLine").First().Element(Cbc + "LineExtensionAmount")!.Value = "1")));
        Assert.Contains("ibr-080", JpPintRules.Broken(XDocument.Parse(InvoiceUbl.Render(invoice))));
    }

    private static string? Value(XDocument xml, XName name) => xml.Root!.Element(name)?.Value;

    /// <summary>
    /// The JP PINT 1.1.3 rules (shared PINT ibr-*, JP aligned-*) the e-invoice relies on, each as its schematron asserts
    /// it, as far as our documents use the elements; "ibr-co-sum" is the totals arithmetic of the shared rules
    /// (EN 16931's BR-CO-10/13/15/16: lines sum, tax-exclusive, tax-inclusive, payable), whose PINT ids we did not confirm.
    /// </summary>
    private static class JpPintRules
    {
        private static readonly string[] TotalNames = ["LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount", "PayableAmount"];

        public static List<string> Broken(XDocument xml)
        {
            var root = xml.Root!;
            var seller = root.Element(Cac + "AccountingSupplierParty")?.Element(Cac + "Party");
            var buyer = root.Element(Cac + "AccountingCustomerParty")?.Element(Cac + "Party");
            var lines = root.Elements(Cac + "InvoiceLine").ToList();
            var breakdowns = root.Element(Cac + "TaxTotal")?.Elements(Cac + "TaxSubtotal").ToList() ?? [];
            var totals = root.Element(Cac + "LegalMonetaryTotal");
            var categories = root.Descendants().Where(e => e.Name == Cac + "TaxCategory" || e.Name == Cac + "ClassifiedTaxCategory").ToList();
            decimal Amount(XElement? parent, string name) => decimal.Parse(parent!.Element(Cbc + name)!.Value, CultureInfo.InvariantCulture);
            bool Has(XElement? parent, string name) => parent?.Element(Cbc + name) is { Value.Length: > 0 };

            var rules = new List<(string Id, bool Holds)>
            {
                ("ibr-001", root.Element(Cbc + "CustomizationID")?.Value == "urn:peppol:pint:billing-1@jp-1"),
                ("ibr-076", Has(root, "ProfileID")),
                ("ibr-002", Has(root, "ID")),
                ("ibr-003", Regex.IsMatch(root.Element(Cbc + "IssueDate")?.Value ?? string.Empty, @"^\d{4}-\d{2}-\d{2}$")),
                ("ibr-004", Has(root, "InvoiceTypeCode")),
                ("aligned-ibrp-cl-02-jp", root.Element(Cbc + "InvoiceTypeCode")?.Value == "380"),
                ("ibr-005", Has(root, "DocumentCurrencyCode")),
                ("ibr-006", seller?.Element(Cac + "PartyLegalEntity") is { } sellerEntity && Has(sellerEntity, "RegistrationName")),
                ("ibr-007", buyer?.Element(Cac + "PartyLegalEntity") is { } buyerEntity && Has(buyerEntity, "RegistrationName")),
                ("ibr-008/009", seller?.Element(Cac + "PostalAddress")?.Element(Cac + "Country")?.Element(Cbc + "IdentificationCode")?.Value is { Length: 2 }),
                ("ibr-010/011", buyer?.Element(Cac + "PostalAddress")?.Element(Cac + "Country")?.Element(Cbc + "IdentificationCode")?.Value is { Length: 2 }),
                ("ibr-062/081", seller?.Element(Cbc + "EndpointID") is { Value.Length: > 0 } se && se.Attribute("schemeID")?.Value is { Length: > 0 }),
                ("ibr-080", buyer?.Element(Cbc + "EndpointID") is { Value.Length: > 0 } be && be.Attribute("schemeID")?.Value is { Length: > 0 }),
                ("ibr-012..015", TotalNames.All(n => Has(totals, n))),
                ("ibr-016", lines.Count > 0),
                ("ibr-021..026", lines.All(l => Has(l, "ID") && Has(l, "InvoicedQuantity") && l.Element(Cbc + "InvoicedQuantity")!.Attribute("unitCode") is not null
                    && Has(l, "LineExtensionAmount") && l.Element(Cac + "Item") is { } item && Has(item, "Name") && item.Element(Cac + "ClassifiedTaxCategory") is not null
                    && l.Element(Cac + "Price") is { } price && Amount(price, "PriceAmount") >= 0)),
                ("aligned-ibr-jp-04", seller?.Element(Cac + "PartyTaxScheme") is { } scheme && Has(scheme, "CompanyID")),
                ("aligned-ibr-jp-01", Regex.IsMatch(seller?.Element(Cac + "PartyTaxScheme")?.Element(Cbc + "CompanyID")?.Value ?? string.Empty, "^T[0-9]{13}$")),
                ("aligned-ibrp-052", root.Element(Cac + "InvoicePeriod") is { } period && Has(period, "StartDate") && Has(period, "EndDate")),
                ("aligned-ibr-jp-03", root.Descendants(Cac + "TaxScheme").All(s => s.Element(Cbc + "ID")?.Value == "VAT")),
                ("aligned-ibrp-cl-01-jp", categories.All(c => c.Element(Cbc + "ID")?.Value is "AA" or "E" or "S" or "G" or "O")),
                ("aligned-ibrp-045..048", breakdowns.Count > 0 && breakdowns.All(b => Has(b, "TaxableAmount") && Has(b, "TaxAmount") && b.Element(Cac + "TaxCategory") is { } c
                    && Has(c, "ID") && (c.Element(Cbc + "ID")!.Value == "O" || Has(c, "Percent")))),
                ("aligned-ibr-jp-06", breakdowns.All(b => decimal.IsInteger(Amount(b, "TaxAmount")))),
                ("aligned-ibrp-051-jp", breakdowns.All(b =>
                {
                    var rate = b.Element(Cac + "TaxCategory")!.Element(Cbc + "Percent") is { } p ? decimal.Parse(p.Value, CultureInfo.InvariantCulture) / 100 : 0m;
                    var exact = Amount(b, "TaxableAmount") * rate;
                    var tax = Amount(b, "TaxAmount");
                    return tax >= Math.Floor(exact) && tax <= Math.Ceiling(exact);
                })),
                ("aligned-ibrp-o-05", categories.Where(c => c.Element(Cbc + "ID")?.Value == "O").All(c => c.Element(Cbc + "Percent") is null)),
                ("aligned-ibrp-o-09", breakdowns.Where(b => b.Element(Cac + "TaxCategory")!.Element(Cbc + "ID")!.Value == "O").All(b => Amount(b, "TaxAmount") == 0)),
                ("ibr-co-sum", lines.Sum(l => Amount(l, "LineExtensionAmount")) == Amount(totals, "LineExtensionAmount")
                    && Amount(totals, "TaxExclusiveAmount") == Amount(totals, "LineExtensionAmount")
                    && Amount(totals, "TaxInclusiveAmount") == Amount(totals, "TaxExclusiveAmount") + Amount(root.Element(Cac + "TaxTotal"), "TaxAmount")
                    && Amount(totals, "PayableAmount") == Amount(totals, "TaxInclusiveAmount")
                    && breakdowns.Sum(b => Amount(b, "TaxAmount")) == Amount(root.Element(Cac + "TaxTotal"), "TaxAmount")),
            };
            return rules.Where(r => !r.Holds).Select(r => r.Id).ToList();
        }
    }
}
