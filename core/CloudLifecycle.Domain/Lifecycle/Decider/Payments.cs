using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle.Decider;

/// <summary>
/// Payments against open invoices, with late interest as the product's clause counts it, and the chase
/// of overdue invoices. A payment that leaves nothing overdue lifts a suspension for non-payment (<see cref="NonPayment.ResumeIfSettled"/>).
/// </summary>
internal static class Payments
{
    /// <summary>An overdue invoice is chased the day after its due date and then every this many days (our policy).</summary>
    public const int OverdueReminderIntervalDays = 30;

    public static FamilyOutcome Receive(DecisionDraft draft, PaymentReceived payment)
    {
        var state = draft.Before;
        var open = state.OpenInvoices.FirstOrDefault(i => i.Number == payment.InvoiceNumber)
            ?? throw new ContractRuleException("invoiceNumber", $"{payment.InvoiceNumber} is not an open invoice of contract {state.ContractId}");
        if (payment.Amount <= 0)
        {
            throw new ContractRuleException("amount", $"{payment.Amount} is not a payment");
        }

        if (open.Outstanding < 0)
        {
            return PayOut(draft, open, payment);
        }

        var billing = BillingCatalog.For(state.Product);
        // Each yen is late from the due date to the day it is paid: a partial payment owes interest on what it pays,
        // and what is still owed keeps running until its own payment (the late clause counts per amount in arrears).
        var interest = payment.PaidOn > open.DueDate && open.BearsInterest
            ? billing.LateInterest.Compute(Math.Min(payment.Amount, open.Outstanding), open.DueDate, payment.PaidOn)
            : null;
        var outstanding = open.Outstanding - payment.Amount;
        var remaining = state.OpenInvoices.Where(i => i != open).ToList();
        if (outstanding > 0)
        {
            remaining.Add(open with { Outstanding = outstanding });
        }

        var text = interest is { Interest: > 0 }
            ? new Text($"{payment.InvoiceNumber}に{payment.Amount:N0}円の入金（遅延損害金 {interest.Interest:N0}円）", $"¥{payment.Amount:N0} received for {payment.InvoiceNumber} (late interest ¥{interest.Interest:N0})")
            : new Text($"{payment.InvoiceNumber}に{payment.Amount:N0}円の入金", $"¥{payment.Amount:N0} received for {payment.InvoiceNumber}");
        draft.Record(new HistoryEntry($"event/payment/{payment.InvoiceNumber}/{payment.PaidOn:uuuu-MM-dd}/{payment.Amount}", payment.PaidOn, "PaymentReceived", interest?.Clause ?? string.Empty, text));
        var paid = state with { OpenInvoices = remaining };
        if (interest is not { Interest: > 0 })
        {
            return (NonPayment.ResumeIfSettled(draft, paid), new Consequence(text, interest?.Clause, payment.PaidOn, interest?.Interest, payment.InvoiceNumber));
        }

        var billed = BillInterest(draft, paid, billing, open, interest);
        return (NonPayment.ResumeIfSettled(draft, billed.State), new Consequence(text, interest.Clause, payment.PaidOn, interest.Interest, billed.Invoice.Number));
    }

    /// <summary>A sum owed to the customer (OPTAGE §29-3) is settled by paying it out: the amount is what was paid to the customer.</summary>
    private static FamilyOutcome PayOut(DecisionDraft draft, OpenInvoice credit, PaymentReceived payment)
    {
        var state = draft.Before;
        if (payment.Amount > -credit.Outstanding)
        {
            throw new ContractRuleException("amount", $"¥{payment.Amount:N0} is more than the ¥{-credit.Outstanding:N0} still owed to the customer on {credit.Number}");
        }

        var remaining = state.OpenInvoices.Where(i => i != credit).ToList();
        if (credit.Outstanding + payment.Amount < 0)
        {
            remaining.Add(credit with { Outstanding = credit.Outstanding + payment.Amount });
        }

        var text = new Text($"{credit.Number}：お客様へ{payment.Amount:N0}円を支払済み", $"¥{payment.Amount:N0} paid out to the customer for {credit.Number}");
        draft.Record(new HistoryEntry($"event/payout/{credit.Number}/{payment.PaidOn:uuuu-MM-dd}/{payment.Amount}", payment.PaidOn, "PaidOut", string.Empty, text));
        return (state with { OpenInvoices = remaining }, new Consequence(text, EffectiveDate: payment.PaidOn, Amount: payment.Amount, InvoiceNumber: credit.Number));
    }

    /// <summary>The interest of a late payment goes on its own invoice at once, owed and chased like any charge.</summary>
    private static (ContractState State, Invoice Invoice) BillInterest(DecisionDraft draft, ContractState state, ProductBilling billing, OpenInvoice late, LateInterest interest)
    {
        var sequence = state.SupplementaryDocuments + 1;
        var invoice = LateInterestInvoice.Build(billing, state.ContractId, state.Issuer, state.Customer.Name, late.Number, interest, sequence, draft.IssueDay);
        draft.Issue(invoice, "InvoiceIssued", interest.Clause,
            new Text($"{invoice.Number}を発行（{late.Number}の遅延損害金 {invoice.Total:N0}円、支払期日 {invoice.DueDate:uuuu-MM-dd}）", $"{invoice.Number} issued (late interest on {late.Number}, ¥{invoice.Total:N0}, due {invoice.DueDate:uuuu-MM-dd})"));
        var billed = state with
        {
            SupplementaryDocuments = sequence,
            OpenInvoices = [.. state.OpenInvoices, new OpenInvoice(invoice.Number, invoice.Month, invoice.Total, invoice.Total, invoice.DueDate, BearsInterest: false)],
        };
        return (billed, invoice);
    }

    /// <summary>Chases each invoice past its due date: the day after, then every <see cref="OverdueReminderIntervalDays"/> days, with the interest so far.</summary>
    public static FamilyOutcome ChaseOverdue(DecisionDraft draft)
    {
        var state = draft.Before;
        var today = draft.Today;
        var policy = BillingCatalog.For(state.Product).LateInterest;
        var chased = new List<OpenInvoice>();
        var sent = 0;
        foreach (var invoice in state.OpenInvoices)
        {
            if (invoice.Outstanding <= 0)
            {
                chased.Add(invoice); // owed to the customer, not by them
                continue;
            }

            var daysOverdue = Period.Between(invoice.DueDate, today, PeriodUnits.Days).Days;
            var stagesDue = daysOverdue <= 0 ? 0 : ((daysOverdue - 1) / OverdueReminderIntervalDays) + 1;
            if (stagesDue > invoice.OverdueNoticesSent)
            {
                var interest = invoice.BearsInterest
                    ? policy.Compute(invoice.Outstanding, invoice.DueDate, today)
                    : policy.Compute(0, invoice.DueDate, today) with { Explanation = new Text("遅延損害金のご請求には利息はかかりません", "no interest runs on a late-interest invoice") };
                draft.Enqueue(NoticeComposer.PaymentOverdue(state, invoice, interest, stagesDue, today));
                chased.Add(invoice with { OverdueNoticesSent = stagesDue });
                sent++;
            }
            else
            {
                chased.Add(invoice);
            }
        }

        return sent == 0
            ? (state, Consequence.Nothing(new Text("督促の必要なし", "nothing overdue to chase")))
            : (state with { OpenInvoices = chased }, new Consequence(new Text($"{sent}件の督促", $"{sent} overdue notices"), policy.Clause));
    }
}
