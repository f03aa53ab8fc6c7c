using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Lifecycle;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Lifecycle.Decider;

/// <summary>Late interest is billed on its own invoice when the late payment arrives, owed and chased like any charge (issue 12, defect 11).</summary>
public class LateInterestBillingTests
{
    /// <summary>A Neutrix contract with September 2026 invoiced (OPTAGE §27: 14.5% a year, to the day before payment).</summary>
    private static (ContractState State, OpenInvoice Open) Invoiced()
    {
        var state = Registered(Neutrix(), "2026-04-01");
        state = LifecycleDecider.Decide(state, new UsageRecorded(new MonthUsage(YM("2026-09"), ResourceFee: 100_000m)), D("2026-09-30")).State;
        state = LifecycleDecider.Decide(state, new InvoiceMonth(YM("2026-09")), D("2026-10-01")).State;
        return (state, Assert.Single(state.OpenInvoices));
    }

    [Fact]
    public void LatePayment_IssuesALateInterestInvoice_OutOfTaxScope_CitingTheClause_AndReferringToThePaidInvoice()
    {
        var (state, open) = Invoiced();
        var paidOn = open.DueDate.PlusDays(20);

        var paid = LifecycleDecider.Decide(state, new PaymentReceived(open.Number, paidOn, open.Total), paidOn);

        var invoice = Assert.Single(paid.Commands.OfType<IssueInvoice>()).Invoice;
        var expected = (long)decimal.Floor(open.Total * 0.145m * 19 / 365);
        Assert.Equal(InvoiceKind.LateInterest, invoice.Kind);
        Assert.Equal($"INV-C-NTX-{paidOn:uuuuMM}-L1", invoice.Number);
        Assert.Equal(open.Number, invoice.Refers);
        var line = Assert.Single(invoice.Lines);
        Assert.Equal(("late-interest", expected, "§27", 0m), (line.Code, line.Amount, line.Clause, line.TaxRate));
        Assert.Equal((expected, 0L, expected), (invoice.Subtotal, invoice.Tax, invoice.Total));
        Assert.Equal(invoice.Number, paid.Consequence.InvoiceNumber);
        var owed = Assert.Single(paid.State.OpenInvoices);
        Assert.Equal((invoice.Number, expected, invoice.DueDate, false), (owed.Number, owed.Outstanding, owed.DueDate, owed.BearsInterest));
        Assert.Single(paid.Commands.OfType<EnqueueNotice>(), n => n.Notice.Kind == NoticeKind.InvoiceIssued && n.Notice.InvoiceNumber == invoice.Number);
    }

    [Fact]
    public void PartialLatePayments_OweInterestOnWhatEachPays_ForTheDaysItWasLate()
    {
        var (state, open) = Invoiced();
        var half = open.Total / 2;

        var first = LifecycleDecider.Decide(state, new PaymentReceived(open.Number, open.DueDate.PlusDays(10), half), open.DueDate.PlusDays(10));
        var second = LifecycleDecider.Decide(first.State, new PaymentReceived(open.Number, open.DueDate.PlusDays(40), open.Total - half), open.DueDate.PlusDays(40));

        Assert.Equal((long)decimal.Floor(half * 0.145m * 9 / 365), first.Consequence.Amount);
        Assert.Equal((long)decimal.Floor((open.Total - half) * 0.145m * 39 / 365), second.Consequence.Amount);
        Assert.Equal(["L1", "L2"], second.State.OpenInvoices.Select(i => i.Number[^2..]));
    }

    [Fact]
    public void LateInterestInvoicePaidLate_OwesNoInterestOnInterest()
    {
        var (state, open) = Invoiced();
        var paid = LifecycleDecider.Decide(state, new PaymentReceived(open.Number, open.DueDate.PlusDays(20), open.Total), open.DueDate.PlusDays(20)).State;
        var interestInvoice = Assert.Single(paid.OpenInvoices);

        var chased = LifecycleDecider.Decide(paid, new OverdueCheck(), interestInvoice.DueDate.PlusDays(1));
        var settled = LifecycleDecider.Decide(chased.State, new PaymentReceived(interestInvoice.Number, interestInvoice.DueDate.PlusDays(30), interestInvoice.Total), interestInvoice.DueDate.PlusDays(30));

        var overdue = Assert.Single(chased.Commands.OfType<EnqueueNotice>()).Notice;
        // The reminder says no interest runs on it (and lists no "¥0" of interest, issue 15 point 7).
        Assert.Contains(overdue.Paragraphs, p => p.En == "no interest runs on a late-interest invoice");
        Assert.DoesNotContain(overdue.Facts, f => f.Value == "¥0");
        Assert.Empty(settled.Commands.OfType<IssueInvoice>());
        Assert.Empty(settled.State.OpenInvoices);
    }

    [Fact]
    public void NttPaidWithinFifteenDays_IsWaived_AndNoInvoiceIsIssued()
    {
        var state = Registered(Ntt(), "2026-04-10");
        state = LifecycleDecider.Decide(state, new InvoiceMonth(YM("2026-05")), D("2026-06-01")).State;
        var open = Assert.Single(state.OpenInvoices);

        var withinWaiver = LifecycleDecider.Decide(state, new PaymentReceived(open.Number, open.DueDate.PlusDays(15), open.Total), open.DueDate.PlusDays(15));
        var afterWaiver = LifecycleDecider.Decide(state, new PaymentReceived(open.Number, open.DueDate.PlusDays(16), open.Total), open.DueDate.PlusDays(16));

        Assert.Empty(withinWaiver.Commands.OfType<IssueInvoice>());
        Assert.Empty(withinWaiver.State.OpenInvoices);
        Assert.Equal("§19", Assert.Single(afterWaiver.Commands.OfType<IssueInvoice>()).Invoice.Lines[0].Clause);
    }
}

/// <summary>ntt-east-aws-ops §49: 「1請求ごとに」 — a month with nothing to charge gets no invoice and so no fee (issue 12, defect 6).</summary>
public class NothingToInvoiceTests
{
    [Fact]
    public void MonthWithoutCharges_IssuesNoInvoice_ClosesTheMonth_AndSaysWhyInTheHistory()
    {
        // Operations start 2026-04-10 and are charged from the month after (§35-1): April carries nothing.
        var state = Registered(Ntt() with { Profile = Ntt().Profile! with { QualifiedInvoice = true } }, "2026-04-10");

        var decision = LifecycleDecider.Decide(state, new InvoiceMonth(YM("2026-04")), D("2026-05-01"));

        Assert.Empty(decision.Commands.OfType<IssueInvoice>());
        Assert.Empty(decision.Commands.OfType<EnqueueNotice>());
        Assert.Empty(decision.State.OpenInvoices);
        Assert.Contains(YM("2026-04"), decision.State.InvoicedMonths);
        Assert.Single(decision.Commands.OfType<RecordHistory>(), r => r.Entry.Kind == "NothingToInvoice");
        Assert.Empty(LifecycleDecider.Decide(decision.State, new InvoiceMonth(YM("2026-04")), D("2026-05-02")).Commands);
    }
}
