using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Billing.Rendering;
using CloudLifecycle.Core.Contracts;
using static CloudLifecycle.Core.Tests.Billing.BillingFixtures;

namespace CloudLifecycle.Core.Tests.Billing.Rendering;

public class InvoiceRenderingTests
{
    [Fact]
    public void Html_EscapesCustomerText_AndShowsCreditsAsMinus()
    {
        var invoice = Bill(Ntt() with { Recipient = "<script>alert('x')</script> & Co.", Outage = new ServiceOutage(48) });

        var html = InvoiceHtml.Render(invoice);

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co. 御中", html, StringComparison.Ordinal);
        Assert.Contains("-¥4,000", html, StringComparison.Ordinal);
        Assert.Contains("§35-2", html, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 15 point 1: the transfer account (振込先) is printed where the customer is asked to pay, and only there: a
    /// payout or a credit note sends money the other way, so it carries none.
    /// </summary>
    [Theory]
    [InlineData(InvoiceKind.Monthly, true)]
    [InlineData(InvoiceKind.LateInterest, true)]
    [InlineData(InvoiceKind.TerminationCharges, true)]
    [InlineData(InvoiceKind.CorrectedInvoice, true)]
    [InlineData(InvoiceKind.ProviderPayout, false)]
    [InlineData(InvoiceKind.CreditNote, false)]
    public void TheTransferAccount_IsPrintedOnDocumentsThatAskForPayment(InvoiceKind kind, bool printed)
    {
        var bill = Bill(Ntt());
        var transfer = new BankTransfer("みずほ銀行", "丸の内支店", "普通", "1234567", "カ）サンプル");
        var invoice = bill with { Kind = kind, Issuer = bill.Issuer with { Transfer = transfer } };

        var html = InvoiceHtml.Render(invoice);
        var page = InvoicePage.Of(invoice);

        Assert.Equal(printed, html.Contains("<td>お振込先</td><td>みずほ銀行 丸の内支店 普通 1234567 カ）サンプル</td>", StringComparison.Ordinal));
        Assert.Equal(printed, page.Head.Contains(("お振込先", "みずほ銀行 丸の内支店 普通 1234567 カ）サンプル")));
    }

    /// <summary>The account is stored with the document as issued: a stored invoice read back still prints it.</summary>
    [Fact]
    public void TheTransferAccount_IsStoredWithTheDocument()
    {
        var bill = Bill(Ntt());
        var invoice = bill with { Issuer = bill.Issuer with { Transfer = new BankTransfer("みずほ銀行", "丸の内支店", "当座", "7654321", "カ）サンプル") } };

        var stored = CloudLifecycle.Core.Application.LifecycleJson.Deserialize<Invoice>(CloudLifecycle.Core.Application.LifecycleJson.Serialize(invoice));

        Assert.Equal(invoice.Issuer.Transfer, stored.Issuer.Transfer);
        Assert.Equal(InvoiceHtml.Render(invoice), InvoiceHtml.Render(stored));
    }

    [Theory]
    [InlineData("", "丸の内支店", "普通", "1234567", "issuer.transfer.bank")]
    [InlineData("みずほ銀行", "丸の内支店", "普通預金", "1234567", "issuer.transfer.accountType")]
    [InlineData("みずほ銀行", "丸の内支店", "当座", "123456", "issuer.transfer.accountNumber")]
    public void AMalformedTransferAccount_IsRefusedNamingItsField(string bank, string branch, string type, string number, string field)
    {
        var refused = Assert.Throws<ContractRuleException>(() => new BankTransfer(bank, branch, type, number, "カ）サンプル"));

        Assert.Equal(field, refused.Field);
    }

    /// <summary>Issue 15 point 8: the page prints on A4, and every table header says what it heads (html-validate's recommended preset).</summary>
    [Fact]
    public void Html_PrintsOnA4_AndEveryHeaderCellHasAScope()
    {
        var html = InvoiceHtml.Render(Bill(Nec("2027-03") with { Termination = new NecTermination(IsoDates.D("2027-03-10"), NecTerminationReason.Breach) }));

        Assert.Contains("@page { size: A4;", html, StringComparison.Ordinal);
        var headers = System.Text.RegularExpressions.Regex.Matches(html, "<th[ >][^>]*>?").Select(m => m.Value).ToList();
        Assert.NotEmpty(headers);
        Assert.All(headers, th => Assert.Matches("scope=\"(col|row)\"", th));
    }

    [Fact]
    public void Html_ListsEachTaxRateSeparately()
    {
        var invoice = Bill(Nec("2027-03") with { Termination = new NecTermination(IsoDates.D("2027-03-10"), NecTerminationReason.Breach) });

        var html = InvoiceHtml.Render(invoice, Language.En);

        Assert.Contains("Taxable at 10%", html, StringComparison.Ordinal);
        Assert.Contains("Outside the scope of tax", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_QuotesFieldsWithCommasAndQuotes()
    {
        var invoice = Bill(Ntt() with { PlansDuringMonth = ["advanced"] });

        var csv = InvoiceCsv.Render(invoice, includeHeader: false);

        Assert.StartsWith("INV-C-NTT-202611,2026-12-01,2027-01-04,ntt-east-aws-ops,C-NTT,2026-11,1,operations,", csv, StringComparison.Ordinal);
        Assert.Contains("\"§35-1, 別紙2 第2表 注\"", csv, StringComparison.Ordinal);
        Assert.EndsWith("\r\n", csv, StringComparison.Ordinal);
    }
}
