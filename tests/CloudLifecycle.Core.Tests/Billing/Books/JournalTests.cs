using System.Text;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Billing.Books;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Billing.Books;

/// <summary>
/// The month's journal in each program's import CSV (issue 15.5): a month with invoices of four products, a late-interest
/// invoice, an OPTAGE §29-3 payout and a payment. The files keep the vendors' columns and code pages, and the sales at
/// 10% in them add up to the invoices' amounts and tax at 10%.
/// </summary>
public class JournalTests
{
    static JournalTests()
    {
        // The hosts register the code-page provider at start-up (Program.cs); the tests stand in for them.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    /// <summary>The documents of one month and the payment recorded in it, made by the billing rules and the decider.</summary>
    private static (YearMonth Month, IReadOnlyList<Invoice> Documents, Receipt Receipt, Invoice Payout, Invoice Interest) AMonth()
    {
        var neutrix = Registered(Neutrix(), "2026-04-01");
        neutrix = LifecycleDecider.Decide(neutrix, new UsageRecorded(new MonthUsage(YM("2026-08"), ResourceFee: 100_000m)), D("2026-08-31")).State;
        neutrix = LifecycleDecider.Decide(neutrix, new InvoiceMonth(YM("2026-08")), D("2026-09-01")).State;
        var open = Assert.Single(neutrix.OpenInvoices);
        var paidOn = open.DueDate.PlusDays(20);
        var paid = LifecycleDecider.Decide(neutrix, new PaymentReceived(open.Number, paidOn, open.Total), paidOn);
        var interest = Assert.Single(paid.Commands.OfType<IssueInvoice>()).Invoice;
        var receipt = paid.Commands.OfType<RecordHistory>().Select(h => Receipts.FromHistory(h.Entry)).OfType<Receipt>().Single();
        var ended = LifecycleDecider.Decide(paid.State, new ProviderNoticeGiven("provider-termination", paidOn), paidOn);
        var payout = Assert.Single(ended.Commands.OfType<IssueInvoice>(), i => i.Invoice.Kind == InvoiceKind.ProviderPayout).Invoice;
        var month = interest.Month;
        Assert.Equal(month, payout.Month);
        var m = $"{month:uuuu-MM}";
        IReadOnlyList<Invoice> documents =
        [
            BillingFixtures.Bill(BillingFixtures.Eclect(m)),
            BillingFixtures.Bill(BillingFixtures.Nec(m)),
            BillingFixtures.Bill(BillingFixtures.Optage(month: m)),
            BillingFixtures.Bill(BillingFixtures.Optage(ProductCode.OptageStorage, m, "entry", 3)),
            interest,
            payout,
        ];
        return (month, documents, receipt, payout, interest);
    }

    public static TheoryData<JournalFormat, int, int, int, int, string> Formats() => new()
    {
        // format, columns, index of 貸方税区分, 貸方金額, 貸方税額, the 10% label
        { JournalFormat.Yayoi, 25, 13, 14, 15, "課税売上込10%" },
        { JournalFormat.Freee, 11, 7, 8, 9, "課税売上10%" },
        { JournalFormat.MoneyForward, 27, 14, 16, 17, "課税売上 10%" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void TheFile_HasTheVendorsColumns_ItsCodePage_AndTheSalesAt10Percent_OfTheInvoices(JournalFormat format, int columns, int creditTax, int creditAmount, int creditTaxAmount, string label)
    {
        var (month, documents, receipt, _, _) = AMonth();
        var lines = Journal.For(month, documents, [receipt]);
        var text = JournalCsv.Write(format, lines);

        var bytes = JournalExport.Encode(text, JournalCsv.CodePage(format), format);

        var decoded = format == JournalFormat.Freee
            ? Encoding.UTF8.GetString(bytes.AsSpan(3))
            : Encoding.GetEncoding(932, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback).GetString(bytes);
        Assert.Equal(text, decoded);
        if (format == JournalFormat.Freee)
        {
            Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        }
        else
        {
            Assert.Equal([0x94, 0x84, 0x8a, 0x7c, 0x8b, 0xe0], Encoding.GetEncoding(932).GetBytes("売掛金")); // Shift_JIS, not UTF-8
            Assert.Contains("売掛金", decoded, StringComparison.Ordinal);
        }

        var rows = decoded.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split(',')).ToList();
        Assert.All(rows, r => Assert.Equal(columns, r.Length));
        var body = format == JournalFormat.Yayoi ? rows : rows.Skip(1).ToList();
        Assert.Equal(lines.Count, body.Count);
        var salesAt10 = body.Where(r => r[creditTax] == label).ToList();
        var expected = documents.SelectMany(d => d.TaxSummaries).Where(s => s.Rate == 0.10m).ToList();
        Assert.Equal(expected.Sum(s => s.TaxableAmount + s.Tax), salesAt10.Sum(r => long.Parse(r[creditAmount], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(expected.Sum(s => s.Tax), salesAt10.Sum(r => long.Parse(r[creditTaxAmount], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(documents, d => Assert.Contains(body, r => r.Any(field => field.StartsWith(d.Number + " ", StringComparison.Ordinal)))); // 摘要
    }

    [Fact]
    public void Yayoi_FlagsEachOneLineEntry_AndLeavesTheHeaderOut()
    {
        var (month, documents, receipt, _, _) = AMonth();
        var rows = JournalCsv.Write(JournalFormat.Yayoi, Journal.For(month, documents, [receipt])).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.All(rows, r => Assert.StartsWith("2000,,,", r, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.EndsWith(",0,,,,,no", r, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryLine_Balances_AndTheMonthsSalesAreTheInvoicesTotals()
    {
        var (month, documents, receipt, payout, interest) = AMonth();
        var lines = Journal.For(month, documents, [receipt]);

        Assert.All(lines, l => Assert.Equal(l.Debit.Amount, l.Credit.Amount));
        Assert.All(lines, l => Assert.True(l.Date.ToYearMonth() == month, $"{l.Reference} booked on {l.Date}"));
        var receivable = lines.Where(l => l.Debit.Account == Account.AccountsReceivable).Sum(l => l.Debit.Amount);
        Assert.Equal(documents.Where(d => d.Kind != InvoiceKind.ProviderPayout).Sum(d => d.Total), receivable);
        var payoutLine = Assert.Single(lines, l => l.Reference == payout.Number);
        Assert.Equal((Account.MiscellaneousLoss, Account.AccountsPayable, -payout.Total), (payoutLine.Debit.Account, payoutLine.Credit.Account, payoutLine.Debit.Amount));
        var interestLine = Assert.Single(lines, l => l.Reference == interest.Number);
        Assert.Equal((Account.MiscellaneousIncome, JournalTax.NotApplicable), (interestLine.Credit.Account, interestLine.Credit.Tax));
        var receiptLine = Assert.Single(lines, l => l.Debit.Account == Account.BankDeposit);
        Assert.Equal((receipt.PaidOn, Account.AccountsReceivable, receipt.Amount), (receiptLine.Date, receiptLine.Credit.Account, receiptLine.Credit.Amount));
    }

    [Fact]
    public void TheMonthsInvoice_IssuedTheNextMonth_IsBookedOnItsMonthsLastDay_AndADocumentIssuedInItsMonth_OnItsIssueDate()
    {
        var october = BillingFixtures.Bill(BillingFixtures.Eclect("2026-10"));
        Assert.True(october.IssueDate > D("2026-10-31"));
        Assert.Equal(D("2026-10-31"), Journal.TransactionDate(october));
        var (_, _, _, payout, _) = AMonth();
        Assert.Equal(payout.IssueDate, Journal.TransactionDate(payout));
    }

    [Fact]
    public void ACreditLargerThanTheChargesAtARate_IsBookedTheOtherWayRound()
    {
        var invoice = BillingFixtures.Bill(BillingFixtures.Eclect("2026-10"));
        var credit = invoice with { TaxSummaries = [new TaxSummary(0.10m, -1_000, -100)], Total = -1_100 };

        var line = Assert.Single(Journal.For(YM("2026-10"), [credit], []));

        Assert.Equal((Account.Sales, Account.AccountsReceivable, 1_100L, 100L), (line.Debit.Account, line.Credit.Account, line.Debit.Amount, line.Debit.TaxAmount));
    }

    [Fact]
    public void ANameShiftJisCannotWrite_IsRefusedNamingTheCharacter_NotWrittenAsAQuestionMark()
    {
        var e = Assert.Throws<ContractRuleException>(() => JournalExport.Encode("株式会社😀", JournalCsv.ShiftJis, JournalFormat.Yayoi));
        Assert.Equal("format", e.Field);
    }

    [Theory]
    [InlineData("sage")]
    [InlineData("YAYOI")]
    [InlineData("")]
    public void AFormatNotKnown_IsRefusedNamingTheField(string text) =>
        Assert.Equal("--format", Assert.Throws<ContractRuleException>(() => JournalCsv.Parse(text, "--format")).Field);
}
