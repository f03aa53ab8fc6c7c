using System.Xml.Linq;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Billing.Books;
using CloudLifecycle.Core.Billing.Rendering;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Lifecycle.Decider;

/// <summary>
/// Issue 15 point 4: an issued invoice never changes; a correction is a credit note (適格返還請求書, 消費税法 §57-4(3)) or a
/// corrected invoice (修正した適格請求書, §57-4(4)) that refers to it, with its own number, decided by the decider.
/// </summary>
public class CorrectionTests
{
    /// <summary>optage-storage from 2026-05-01, its November 2026 invoice issued on 2026-12-01.</summary>
    private static (ContractState State, Invoice November) WithNovemberInvoiced()
    {
        var state = Registered(Storage(), "2026-05-01");
        var november = LifecycleDecider.Decide(state, new InvoiceMonth(YM("2026-11")), D("2026-12-01"));
        return (november.State, Assert.Single(november.Commands.OfType<IssueInvoice>()).Invoice);
    }

    private static CorrectionRequested Credit(Invoice original, params LineCorrection[] lines) =>
        new(original.Number, D("2026-12-10"), InvoiceKind.CreditNote, "構成数の誤り", lines) { Original = original };

    private static Decision Decide(ContractState state, Trigger trigger, string today = "2026-12-10") => LifecycleDecider.Decide(state, trigger, D(today));

    [Fact]
    public void CreditNote_ReturnsTheLoweredLine_WithItsTaxPerRate_ReferringToTheOriginal_WhichStaysAsIssued()
    {
        var (state, november) = WithNovemberInvoiced();
        var first = november.Lines[0];

        var decision = Decide(state, Credit(november, new LineCorrection(1, first.Amount - 10_000)) with { EventId = "crm-1" });

        var issued = Assert.Single(decision.Commands.OfType<IssueInvoice>()).Invoice;
        Assert.Equal(("INV-C-STO-202612-R1", InvoiceKind.CreditNote, november.Number), (issued.Number, issued.Kind, issued.Refers));
        Assert.Equal((YM("2026-11"), november.IssueDate, "構成数の誤り"), (issued.Correction!.Month, issued.Correction.IssueDate, issued.Correction.Reason));
        Assert.Equal((D("2026-12-10"), D("2026-12-10")), (issued.IssueDate, issued.DueDate)); // 「対価の返還等を行う年月日」
        var line = Assert.Single(issued.Lines);
        Assert.Equal((-10_000L, first.Clause, 0.10m), (line.Amount, line.Clause, line.TaxRate));
        Assert.Equal(new TaxSummary(0.10m, -10_000, -1_000), Assert.Single(issued.TaxSummaries));
        Assert.Equal(-11_000, issued.Total);
        Assert.DoesNotContain(decision.Commands.OfType<IssueInvoice>(), c => c.Invoice.Number == november.Number);
        Assert.Equal(november.Total - 11_000, Assert.Single(decision.State.OpenInvoices, o => o.Number == november.Number).Outstanding);
        Assert.Contains(decision.Commands.OfType<EnqueueNotice>(), n => n.Notice.Subject.Ja.Contains("適格返還請求書", StringComparison.Ordinal));
    }

    [Fact]
    public void CreditNote_Tax_IsTheDifferenceOfTheRoundedTaxes_SoInvoiceAndCreditAddUpToTheCorrectInvoice()
    {
        var (state, november) = WithNovemberInvoiced();
        var lowered = november.Lines[0].Amount - 1_005; // a tenth of ¥1,005 has a fraction

        var credit = Assert.Single(Decide(state, Credit(november, new LineCorrection(1, lowered))).Commands.OfType<IssueInvoice>()).Invoice;

        var correctTax = (long)Math.Floor((november.Subtotal - 1_005) * 0.10m); // OPTAGE 別表3-2: truncated once per rate
        Assert.Equal(correctTax, november.Tax + credit.Tax);
        Assert.InRange(credit.Tax, (long)Math.Floor(-100.5m), (long)Math.Ceiling(-100.5m)); // JP PINT aligned-ibrp-051-jp
    }

    [Fact]
    public void CancelInFull_ReturnsEverything_AndAPaidInvoiceLeavesTheSumOwedToTheCustomer()
    {
        var (state, november) = WithNovemberInvoiced();
        var paid = Decide(state, new PaymentReceived(november.Number, D("2026-12-05"), november.Total)).State;

        var decision = Decide(paid, new CorrectionRequested(november.Number, D("2026-12-10"), InvoiceKind.CreditNote, "契約の登録誤り", [], CancelInFull: true) { Original = november });

        var credit = Assert.Single(decision.Commands.OfType<IssueInvoice>()).Invoice;
        Assert.Equal(-november.Total, credit.Total);
        var owed = Assert.Single(decision.State.OpenInvoices);
        Assert.Equal((credit.Number, -november.Total), (owed.Number, owed.Outstanding));
    }

    [Fact]
    public void OverCrediting_IsRefused_NamingTheLine_AndARaiseIsNoCreditNote()
    {
        var (state, november) = WithNovemberInvoiced();

        var below = Assert.Throws<ContractRuleException>(() => Decide(state, Credit(november, new LineCorrection(1, -1))));
        var raised = Assert.Throws<ContractRuleException>(() => Decide(state, Credit(november, new LineCorrection(1, november.Lines[0].Amount + 1))));
        var noLine = Assert.Throws<ContractRuleException>(() => Decide(state, Credit(november, new LineCorrection(99, 0))));
        var credited = Decide(state, new CorrectionRequested(november.Number, D("2026-12-10"), InvoiceKind.CreditNote, "誤り", [], CancelInFull: true) { Original = november }).State;
        var again = Assert.Throws<ContractRuleException>(() => Decide(credited, Credit(november, new LineCorrection(1, 0)) with { Kind = InvoiceKind.CorrectedInvoice }));

        Assert.Equal(("lines[0].amount", "消費税法 §57-4(3)"), (below.Field, below.Clause));
        Assert.Equal("lines[0].amount", raised.Field);
        Assert.Equal("lines[0].line", noLine.Field);
        Assert.Equal(RefusalKind.Conflict, again.Kind); // everything was returned already: nothing left to correct
    }

    [Fact]
    public void UnknownOrForeignDocument_IsRefusedAsNotFound()
    {
        var (state, november) = WithNovemberInvoiced();

        var missing = Assert.Throws<ContractRuleException>(() => Decide(state, Credit(november, new LineCorrection(1, 0)) with { Original = null }));
        var foreign = Assert.Throws<ContractRuleException>(() => Decide(state, Credit(november with { ContractId = "C-OTHER" }, new LineCorrection(1, 0))));

        Assert.Equal((RefusalKind.NotFound, "invoiceNumber"), (missing.Kind, missing.Field));
        Assert.Equal(RefusalKind.NotFound, foreign.Kind);
    }

    [Fact]
    public void Retry_GivesTheSameDocument_ByEventIdAndByTheSameAmounts()
    {
        var (state, november) = WithNovemberInvoiced();
        var request = Credit(november, new LineCorrection(1, november.Lines[0].Amount - 5_000)) with { EventId = "crm-7" };
        var first = Decide(state, request);

        var redelivered = Decide(first.State, request);
        var askedAgain = Decide(first.State, request with { EventId = "crm-8" });

        Assert.Empty(redelivered.Commands);
        Assert.Same(first.State, redelivered.State);
        Assert.Empty(askedAgain.Commands);
        Assert.Equal(("INV-C-STO-202612-R1", false), (askedAgain.Consequence.InvoiceNumber, askedAgain.Consequence.Changed));
        Assert.Equal("INV-C-STO-202612-R1", Assert.Single(first.State.Corrections).Number);
        Assert.Equal("crm-7", first.State.Corrections[0].EventId);
    }

    [Fact]
    public void CorrectedInvoice_ReissuesEveryLine_AndReplacesTheOriginalAsWhatIsOwed()
    {
        var (state, november) = WithNovemberInvoiced();
        var request = new CorrectionRequested(november.Number, D("2026-12-10"), InvoiceKind.CorrectedInvoice, "単価の誤り", [new LineCorrection(1, november.Lines[0].Amount + 2_000)]) { Original = november };

        var decision = Decide(state, request);

        var corrected = Assert.Single(decision.Commands.OfType<IssueInvoice>()).Invoice;
        Assert.Equal(("INV-C-STO-202612-M1", InvoiceKind.CorrectedInvoice, november.Lines.Count), (corrected.Number, corrected.Kind, corrected.Lines.Count));
        Assert.Equal(november.Subtotal + 2_000, corrected.Subtotal);
        Assert.Equal(YM("2026-11"), corrected.TransactionMonth);
        Assert.True(corrected.DueDate >= november.DueDate);
        Assert.DoesNotContain(decision.State.OpenInvoices, o => o.Number == november.Number);
        Assert.Equal(corrected.Total, Assert.Single(decision.State.OpenInvoices).Outstanding);
        Assert.Equal(november.TaxSummaries, corrected.Correction!.Replaced);
    }

    [Fact]
    public void Journal_ReversesTheCreditNote_AndTheCorrectedInvoiceReplacesWhatItCorrects()
    {
        var (state, november) = WithNovemberInvoiced();
        var credit = Assert.Single(Decide(state, Credit(november, new LineCorrection(1, november.Lines[0].Amount - 10_000))).Commands.OfType<IssueInvoice>()).Invoice;
        var corrected = Assert.Single(Decide(state, new CorrectionRequested(november.Number, D("2026-12-10"), InvoiceKind.CorrectedInvoice, "誤り", [new LineCorrection(1, november.Lines[0].Amount - 10_000)]) { Original = november })
            .Commands.OfType<IssueInvoice>()).Invoice;

        var creditLine = Assert.Single(Journal.For(YM("2026-12"), [credit], []));
        var correctedLines = Journal.For(YM("2026-12"), [corrected], []);

        Assert.Equal((Account.Sales, JournalTax.TaxableSales10, 11_000L, 1_000L), (creditLine.Debit.Account, creditLine.Debit.Tax, creditLine.Debit.Amount, creditLine.Debit.TaxAmount));
        Assert.Equal((Account.AccountsReceivable, D("2026-12-10")), (creditLine.Credit.Account, creditLine.Date));
        Assert.Equal(2, correctedLines.Count);
        Assert.Equal((Account.Sales, november.Total), (correctedLines[0].Debit.Account, correctedLines[0].Debit.Amount)); // 赤: the original reversed
        Assert.Equal((Account.AccountsReceivable, november.Total - 11_000), (correctedLines[1].Debit.Account, correctedLines[1].Debit.Amount)); // 黒
    }

    [Fact]
    public void CreditNote_AsJpPint_IsANegative380_ReferringToTheOriginal_WithTheReturnedMonth()
    {
        var (state, november) = WithNovemberInvoiced();
        var credit = Assert.Single(Decide(state, Credit(november, new LineCorrection(1, november.Lines[0].Amount - 10_000))).Commands.OfType<IssueInvoice>()).Invoice;

        var root = XDocument.Parse(InvoiceUbl.Render(credit, "customer@example.com")).Root!;
        XNamespace cbc = InvoiceUbl.Cbc, cac = InvoiceUbl.Cac;

        Assert.Equal("380", root.Element(cbc + "InvoiceTypeCode")!.Value); // BIS §1.5.2, aligned-ibrp-cl-02-jp
        var reference = root.Element(cac + "BillingReference")!.Element(cac + "InvoiceDocumentReference")!;
        Assert.Equal((november.Number, "2026-12-01"), (reference.Element(cbc + "ID")!.Value, reference.Element(cbc + "IssueDate")!.Value)); // ibt-025, ibt-026
        Assert.Equal("2026-11-01", root.Element(cac + "InvoicePeriod")!.Element(cbc + "StartDate")!.Value);
        Assert.Equal("-11000", root.Element(cac + "LegalMonetaryTotal")!.Element(cbc + "PayableAmount")!.Value);
        var subtotal = root.Element(cac + "TaxTotal")!.Element(cac + "TaxSubtotal")!;
        Assert.Equal(("-10000", "-1000"), (subtotal.Element(cbc + "TaxableAmount")!.Value, subtotal.Element(cbc + "TaxAmount")!.Value));
        var line = root.Element(cac + "InvoiceLine")!;
        Assert.Equal("-1", line.Element(cbc + "InvoicedQuantity")!.Value);
        Assert.Contains("2026-11分", line.Element(cbc + "Note")!.Value, StringComparison.Ordinal); // Example 7: the returned transaction's date
        // BillingReference follows InvoicePeriod and precedes the parties (UBL 2.1 element order).
        var names = root.Elements().Select(e => e.Name.LocalName).ToList();
        Assert.True(names.IndexOf("InvoicePeriod") < names.IndexOf("BillingReference") && names.IndexOf("BillingReference") < names.IndexOf("AccountingSupplierParty"));
    }

    [Fact]
    public void RefundOnACreditNote_SettlesTheReceivable_WhileAPayoutSettlesWhatWeOwed()
    {
        var refund = Assert.Single(Journal.For(YM("2026-12"), [], [new Receipt("INV-C-STO-202612-R1", D("2026-12-20"), 11_000, PaidOut: true)]));
        var payout = Assert.Single(Journal.For(YM("2026-12"), [], [new Receipt("INV-C-STO-202612-C1", D("2026-12-20"), 66_000, PaidOut: true)]));

        Assert.Equal((Account.AccountsReceivable, Account.BankDeposit), (refund.Debit.Account, refund.Credit.Account));
        Assert.Equal(Account.AccountsPayable, payout.Debit.Account);
    }
}
