using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle.Decider;

/// <summary>The monthly invoice: issued once per month after it ended, from what the state recorded for it.</summary>
internal static class Invoicing
{
    public static FamilyOutcome Issue(DecisionDraft draft, YearMonth month)
    {
        var state = draft.Before;
        var today = draft.Today;
        var number = InvoiceAssembler.Number(state.ContractId, month);
        if (state.InvoicedMonths.Contains(month))
        {
            return (state, Consequence.Nothing(new Text($"{number}は発行済みです", $"{number} was already issued")) with { InvoiceNumber = number });
        }

        if (month < state.Dates.Start.ToYearMonth())
        {
            return (state, Consequence.Nothing(new Text($"{month:uuuu-MM}は契約開始前です", $"{month:uuuu-MM} is before the contract starts")));
        }

        Guards.EnsureMonthEnded(month, today);

        var documents = BillingCatalog.For(state.Product).InvoiceByDueDate(BillingInputs.For(state, month) with { IssuedOn = draft.IssueDay });
        var invoice = documents[0];
        if (documents.All(d => d.Lines.Count == 0))
        {
            return NothingToInvoice(draft, month, number);
        }

        var open = new List<OpenInvoice>(state.OpenInvoices);
        foreach (var document in documents.Where(d => d.Lines.Count > 0))
        {
            draft.Issue(document, "InvoiceIssued", document.DueDateClause,
                new Text($"{document.Number}を発行（{document.Total:N0}円、支払期日 {document.DueDate:uuuu-MM-dd}）", $"{document.Number} issued (¥{document.Total:N0}, due {document.DueDate:uuuu-MM-dd})"));
            if (document.Total > 0)
            {
                open.Add(new OpenInvoice(document.Number, month, document.Total, document.Total, document.DueDate));
            }
        }

        var issued = state with
        {
            InvoicedMonths = [.. state.InvoicedMonths, month],
            Usage = [.. state.Usage.Where(u => u.Month != month)],
            Outages = [.. state.Outages.Where(o => o.Month != month)],
            OpenInvoices = open,
        };
        return (issued, new Consequence(new Text($"{invoice.Number}を発行しました", $"{invoice.Number} issued"), invoice.DueDateClause, invoice.DueDate, documents.Sum(d => d.Total), invoice.Number));
    }

    /// <summary>
    /// A month with no charge at all (ntt-east-aws-ops before operations start, §35-1) gets no invoice
    /// and so no per-invoice fee (§49 「1請求ごとに」); the month is closed all the same, so usage told
    /// for it later is refused like that of an invoiced month, and the history says why nothing was sent.
    /// </summary>
    private static FamilyOutcome NothingToInvoice(DecisionDraft draft, YearMonth month, string number)
    {
        var state = draft.Before;
        var text = new Text($"{month:uuuu-MM}は請求する料金がないため、請求書（{number}）は発行しません", $"nothing to charge for {month:uuuu-MM}: no invoice ({number}) is issued");
        draft.Record(new HistoryEntry($"event/nothing-to-invoice/{month:uuuu-MM}", draft.Today, "NothingToInvoice", string.Empty, text));
        var closed = state with
        {
            InvoicedMonths = [.. state.InvoicedMonths, month],
            Usage = [.. state.Usage.Where(u => u.Month != month)],
            Outages = [.. state.Outages.Where(o => o.Month != month)],
        };
        return (closed, Consequence.Nothing(text) with { Changed = true });
    }
}
