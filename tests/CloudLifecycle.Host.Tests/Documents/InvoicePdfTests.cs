using CloudLifecycle.Adapters.Pdf;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Billing.Rendering;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Host.Tests.Cli;
using NodaTime;
using UglyToad.PdfPig;

namespace CloudLifecycle.Host.Tests.Documents;

/// <summary>
/// Issue 15 point 1: the invoice PDF — A4, IPAexGothic embedded, text that extracts (PdfPig reads it as a reader's
/// copy-and-paste does) with the HTML page's content: total, tax per rate, T-number, number, dates, lines and clauses.
/// </summary>
public class InvoicePdfTests
{
    private static readonly Issuer Issuer = new("クラウド販売株式会社", "T1234567890123");

    private static readonly PdfSharpInvoiceRenderer Renderer = new();

    /// <summary>One month's invoice of each product, as the billing rules compute it.</summary>
    public static TheoryData<string> Products() => new() { "eclect-aws", "nec-express5800", "ntt-east-aws-ops", "optage-neutrix", "optage-storage" };

    private static Invoice InvoiceOf(string product)
    {
        var code = ProductCode.Parse(product);
        var input = new BillingInput
        {
            Product = code, ContractId = "C-PDF", Start = new LocalDate(2026, 4, 1), Month = new YearMonth(2026, 10), IssuedOn = new LocalDate(2026, 11, 2),
            Issuer = Issuer, Recipient = "顧客株式会社",
        };
        input = product switch
        {
            "eclect-aws" => input with { AwsUsageUsd = 1234.56m, FxRate = 151.37m },
            "nec-express5800" => input with { End = new LocalDate(2031, 3, 31), BaseFee = 120_000m, UnitPrice = 180m, Quantity = 350m, RemovalDelay = null },
            "ntt-east-aws-ops" => input with { Plan = "standard", Components = 4, QualifiedInvoiceRequested = true },
            "optage-neutrix" => input with { Plan = "premium", Components = 22, Windows = true, ResourceFee = 123_456m },
            _ => input with { Plan = "standard", Components = 6 },
        };
        return BillingCatalog.For(code).Invoice(input);
    }

    private static string Squeeze(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    private static (string Text, IReadOnlyList<(double Width, double Height)> Pages, IReadOnlySet<string> Fonts) Read(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        var pages = document.GetPages().ToList();
        return (
            string.Concat(pages.Select(p => p.Text)),
            pages.Select(p => (p.Width, p.Height)).ToList(),
            pages.SelectMany(p => p.Letters).Select(l => l.FontName ?? string.Empty).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>Issue 15 point 1: the configured transfer account (振込先) on a document that asks for payment, in the PDF as on the page.</summary>
    [Fact]
    public void Pdf_ShowsTheTransferAccount_WhereOneIsConfigured()
    {
        var transfer = new BankTransfer("みずほ銀行", "丸の内支店", "普通", "1234567", "カ）クラウドハンバイ");
        var invoice = InvoiceOf("nec-express5800") with { Issuer = Issuer with { Transfer = transfer } };

        var text = Squeeze(Read(Renderer.Render(invoice, Language.Ja)).Text);

        Assert.Contains(Squeeze("お振込先 みずほ銀行 丸の内支店 普通 1234567 カ）クラウドハンバイ"), text, StringComparison.Ordinal);
        Assert.DoesNotContain("お振込先", Squeeze(Read(Renderer.Render(InvoiceOf("nec-express5800"), Language.Ja)).Text), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Products))]
    public void Pdf_IsA4_WithTheFontEmbedded_AndItsTextShowsTotalTaxPerRateTNumberAndNumber(string product)
    {
        var invoice = InvoiceOf(product);

        var pdf = Renderer.Render(invoice, Language.Ja);

        Assert.Equal("%PDF-", System.Text.Encoding.ASCII.GetString(pdf, 0, 5));
        var (text, pages, fonts) = Read(pdf);
        Assert.All(pages, p => Assert.Equal((595, 842), ((int)Math.Round(p.Width), (int)Math.Round(p.Height))));
        Assert.All(fonts, f => Assert.EndsWith("+IPAexGothic", f, StringComparison.Ordinal)); // a subset, embedded
        var squeezed = Squeeze(text);
        Assert.Contains(Squeeze(InvoiceHtml.Yen(invoice.Total)), squeezed, StringComparison.Ordinal);
        Assert.All(invoice.TaxSummaries.Where(t => t.Rate > 0), t => Assert.Contains($"消費税{InvoiceHtml.Yen(t.Tax)}", squeezed, StringComparison.Ordinal));
        Assert.Contains("T1234567890123", squeezed, StringComparison.Ordinal);
        Assert.Contains(invoice.Number, squeezed, StringComparison.Ordinal);
        Assert.Contains("2026-11-02", squeezed, StringComparison.Ordinal);
    }

    /// <summary>Every text of the printed page (InvoicePage) is in the PDF and in the HTML page: the two show the same content.</summary>
    [Theory]
    [MemberData(nameof(Products))]
    public void Pdf_AndHtml_CarryTheSameContent(string product)
    {
        var invoice = InvoiceOf(product);
        foreach (var language in new[] { Language.Ja, Language.En })
        {
            var page = InvoicePage.Of(invoice, language);
            var pdf = Squeeze(Read(Renderer.Render(invoice, language)).Text);
            var html = Squeeze(System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(InvoiceHtml.Render(invoice, language), "<[^>]+>", string.Empty)));
            var texts = new List<string> { page.Title, page.TotalLine }
                .Concat(page.Head.SelectMany(h => new[] { h.Label, h.Value }))
                .Concat(new[] { page.Columns }.Concat(page.Lines).Concat(page.Totals).SelectMany(r => new[] { r.Item, r.Quantity, r.UnitPrice, r.Amount, r.Clause }))
                .Append(page.Note ?? string.Empty)
                .Where(t => t.Length > 0)
                .Select(Squeeze)
                .ToList();
            Assert.All(texts, t => Assert.Contains(t, pdf, StringComparison.Ordinal));
            Assert.All(texts, t => Assert.Contains(t, html, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Pdf_IsTheSameFileEveryTimeTheSameDocumentIsRendered()
    {
        var invoice = InvoiceOf("optage-neutrix");

        Assert.Equal(Renderer.Render(invoice, Language.Ja), Renderer.Render(invoice, Language.Ja));
    }

    [Fact]
    public void LongInvoice_ContinuesOnANewPage_WithEveryLine()
    {
        var invoice = InvoiceOf("ntt-east-aws-ops");
        var lines = Enumerable.Range(1, 70).Select(i => InvoiceAssembler.Line($"item-{i}", new Text($"作業項目その{i}（長い説明が列の幅を超えても折り返して表示されること）", $"item {i}"), 1_000 * i, $"別紙2 第1表 {i}")).ToList();
        var longInvoice = invoice with { Lines = lines };

        var (text, pages, _) = Read(Renderer.Render(longInvoice, Language.Ja));

        Assert.True(pages.Count >= 2, $"{pages.Count} page(s)");
        var squeezed = Squeeze(text);
        Assert.All(lines, l => Assert.Contains(Squeeze($"{l.Clause}"), squeezed, StringComparison.Ordinal));
        Assert.Contains(Squeeze("作業項目その70（長い説明が列の幅を超えても折り返して表示されること）"), squeezed, StringComparison.Ordinal);
    }

    [Fact]
    public void Cli_FormatUbl_PrintsTheJpPintInvoice()
    {
        var (exit, output, error) = CliRunner.Run("invoice", "--product", "optage-storage", "--start", "2026-04-01", "--month", "2026-10", "--plan", "standard", "--components", "6",
            "--issuer-name", "クラウド販売株式会社", "--issuer-registration", "T1234567890123", "--format", "ubl");

        Assert.True(exit == 0, error);
        var root = System.Xml.Linq.XDocument.Parse(output).Root!;
        Assert.Equal("urn:peppol:pint:billing-1@jp-1", root.Element(InvoiceUbl.Cbc + "CustomizationID")!.Value);
        Assert.Equal("380", root.Element(InvoiceUbl.Cbc + "InvoiceTypeCode")!.Value);
        Assert.Contains(root.Descendants(InvoiceUbl.Cbc + "CompanyID"), e => e.Value == "T1234567890123");
    }

    [Fact]
    public void Cli_FormatPdf_WritesTheFile_AndRefusesWithoutOut()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cl-invoice-{Guid.NewGuid():N}.pdf");
        try
        {
            var (exit, output, error) = CliRunner.Run("invoice", "--product", "optage-storage", "--start", "2026-04-01", "--month", "2026-10", "--plan", "standard", "--components", "6",
                "--issuer-name", "クラウド販売株式会社", "--issuer-registration", "T1234567890123", "--format", "pdf", "--out", path);

            Assert.True(exit == 0, error);
            Assert.Contains(path, output, StringComparison.Ordinal);
            var squeezed = Squeeze(Read(File.ReadAllBytes(path)).Text);
            Assert.Contains("T1234567890123", squeezed, StringComparison.Ordinal);
            Assert.Equal(2, CliRunner.Run("invoice", "--product", "optage-storage", "--start", "2026-04-01", "--month", "2026-10", "--plan", "standard", "--components", "6", "--format", "pdf").Exit);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
