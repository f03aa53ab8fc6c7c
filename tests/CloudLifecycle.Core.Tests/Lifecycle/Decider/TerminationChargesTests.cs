using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Lifecycle;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Lifecycle.Decider;

/// <summary>
/// nec-express5800 termination amounts are due when their clause says, on a document of their own
/// (issue 12, defect 9), while the month's fees stay due under §5-1.
/// </summary>
public class TerminationChargesTests
{
    [Fact]
    public void Cancellation_RemainingMonthsAreDueAtOnce_OnTheirOwnInvoice_TheMonthsFeesAsUsual()
    {
        var state = Registered(Nec(), "2026-04-01");
        state = LifecycleDecider.Decide(state, new CancellationRequested(D("2026-06-01"), D("2026-09-30")), D("2026-06-01")).State;
        state = LifecycleDecider.Decide(state, new UsageRecorded(new MonthUsage(YM("2026-09"), Quantity: 10m)), D("2026-09-30")).State;

        var decision = LifecycleDecider.Decide(state, new InvoiceMonth(YM("2026-09")), D("2026-10-01"));

        var documents = decision.Commands.OfType<IssueInvoice>().Select(c => c.Invoice).ToList();
        Assert.Equal(["INV-C-NEC-202609", "INV-C-NEC-202609-P1"], documents.Select(d => d.Number));
        var (month, charges) = (documents[0], documents[1]);
        Assert.DoesNotContain(month.Lines, l => l.Code == "remaining-months");
        Assert.Equal("§5-1", month.DueDateClause);
        var remaining = Assert.Single(charges.Lines);
        Assert.Equal("remaining-months", remaining.Code);
        Assert.Equal(InvoiceKind.TerminationCharges, charges.Kind);
        // §24-2 「解約日において…直ちに」: due on the cancellation day, which no document can precede: the day it is issued.
        Assert.Equal((charges.IssueDate, "§24-2"), (charges.DueDate, charges.DueDateClause));
        Assert.True(charges.DueDate < month.DueDate);
        Assert.Equal(documents.Select(d => (d.Number, d.Total, d.DueDate)), decision.State.OpenInvoices.Select(i => (i.Number, i.Total, i.DueDate)));
        // Each document is a qualified invoice of its own: tax once per rate on its own lines.
        Assert.All(documents, d => Assert.Equal(d.Subtotal + d.Tax, d.Total));
    }

    [Fact]
    public void OtherProducts_KeepOneInvoiceAMonth()
    {
        var state = Registered(Storage(), "2026-05-01");
        state = LifecycleDecider.Decide(state, new CancellationRequested(D("2026-12-01"), D("2027-02-28")), D("2026-12-01")).State;

        var decision = LifecycleDecider.Decide(state, new InvoiceMonth(YM("2027-02")), D("2027-03-01"));

        var invoice = Assert.Single(decision.Commands.OfType<IssueInvoice>()).Invoice;
        Assert.Contains(invoice.Lines, l => l.Code == "early-termination");
    }
}
