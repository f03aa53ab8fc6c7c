using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle.Decider;

/// <summary>
/// Corrections of an issued document. An issued invoice never changes: a correction is a new document referring to it —
/// a credit note (適格返還請求書, 消費税法 §57-4(3)) that lowers some of its lines, or a corrected invoice
/// (修正した適格請求書, §57-4(4)) that reissues it with corrected amounts and replaces it. It changes what the customer owes,
/// so it is decided here, recorded in the state (<see cref="ContractState.Corrections"/>) and stored, sent and booked through
/// the same outbox as every document. Refused: a document of another contract or one that bills nothing correctable (a
/// payout statement, a correction itself: correct the original again), a line that would turn a charge into a credit or
/// credit more than was charged at a rate, a credit note that raises an amount, a request that changes nothing new.
/// </summary>
internal static class Corrections
{
    public static FamilyOutcome Correct(DecisionDraft draft, CorrectionRequested request)
    {
        var state = draft.Before;
        var original = request.Original is { } given && given.Number == request.InvoiceNumber && given.ContractId == state.ContractId
            ? given
            : throw new ContractRuleException("invoiceNumber", $"{request.InvoiceNumber} is not a document of contract {state.ContractId}", kind: RefusalKind.NotFound);
        if (!CorrectionDocuments.IsCorrectable(original.Kind))
        {
            throw new ContractRuleException("invoiceNumber", original.Kind is InvoiceKind.CreditNote or InvoiceKind.CorrectedInvoice
                ? $"{original.Number} is itself a correction of {original.Refers}: correct {original.Refers} again"
                : $"{original.Number} is a payout statement, not an invoice: it has no 適格請求書 to correct");
        }

        if (request.Kind is not (InvoiceKind.CreditNote or InvoiceKind.CorrectedInvoice))
        {
            throw new ContractRuleException("kind", $"'{request.Kind}' is not a correction: expected creditNote or correctedInvoice");
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            throw new ContractRuleException("reason", "a correction states why the invoice is corrected", CorrectionDocuments.CorrectedInvoiceClause);
        }

        Guards.EnsureNotFuture(request.RequestedOn, draft.Today, "requestedOn");
        var previous = state.Corrections.LastOrDefault(c => c.Original == original.Number);
        var current = previous?.LineAmounts ?? original.Lines.Select(l => l.Amount).ToList();
        var corrected = Corrected(original, current, request);
        if (corrected.SequenceEqual(current))
        {
            // Asked again for what a correction already did (a retry without its Idempotency-Key): the same document answers.
            return previous is not null && previous.Kind == request.Kind
                ? (state, Consequence.Nothing(new Text($"{previous.Number}で訂正済みです", $"{original.Number} was already corrected by {previous.Number}")) with { InvoiceNumber = previous.Number, Amount = previous.Total })
                : throw new ContractRuleException("lines", $"the corrected amounts are those {original.Number} already charges: nothing to correct", kind: RefusalKind.Conflict);
        }

        EnsureWithinInvoiced(original, corrected);
        var billing = BillingCatalog.For(state.Product);
        var sequence = state.SupplementaryDocuments + 1;
        var payable = previous?.Payable ?? original.Number;
        var open = state.OpenInvoices.FirstOrDefault(o => o.Number == payable);
        var remaining = state.OpenInvoices.Where(o => o != open).ToList();
        Invoice document;
        if (request.Kind == InvoiceKind.CreditNote)
        {
            var raised = corrected.Select((amount, i) => (amount, i)).FirstOrDefault(x => x.amount > current[x.i]);
            if (raised != default)
            {
                throw new ContractRuleException($"lines[{raised.i}].amount",
                    $"a credit note only lowers what was charged: line {raised.i + 1} charges ¥{current[raised.i]:N0}; to charge more, issue a corrected invoice", CorrectionDocuments.CreditNoteClause);
            }

            document = CorrectionDocuments.CreditNote(original, current, corrected, billing.TaxRounding, request.Reason.Trim(), sequence, draft.IssueDay);
            // What the customer still owes goes down by the returned sum; beyond it (already paid) the sum is owed back to them.
            var owed = (open?.Outstanding ?? 0) + document.Total;
            if (open is not null && owed > 0)
            {
                remaining.Add(open with { Outstanding = owed });
            }
            else if (owed < 0)
            {
                remaining.Add(new OpenInvoice(document.Number, document.Month, document.Total, owed, document.IssueDate, BearsInterest: false));
            }
        }
        else
        {
            var paid = (previous?.Charged ?? original.Total) - (open?.Outstanding ?? 0);
            // Due no earlier than the original and no earlier than a document issued today would be (our policy: a correction
            // never shortens the time to pay, and a sum added by it is given the product's usual term).
            var usual = billing.SupplementaryDates(draft.IssueDay);
            var originalDue = open?.DueDate ?? original.DueDate;
            var due = usual.Due > originalDue ? (usual.Due, usual.Clause) : (originalDue, original.DueDateClause);
            document = CorrectionDocuments.CorrectedInvoice(original, current, corrected, billing.TaxRounding, request.Reason.Trim(), sequence, draft.IssueDay, due);
            var owed = document.Total - paid;
            if (owed != 0)
            {
                remaining.Add(new OpenInvoice(document.Number, original.Month, document.Total, owed, document.DueDate, BearsInterest: owed > 0 && (open?.BearsInterest ?? original.Kind != InvoiceKind.LateInterest)));
            }

            payable = document.Number;
        }

        var kindText = request.Kind == InvoiceKind.CreditNote ? new Text("適格返還請求書", "credit note") : new Text("修正した適格請求書", "corrected invoice");
        var clause = request.Kind == InvoiceKind.CreditNote ? CorrectionDocuments.CreditNoteClause : CorrectionDocuments.CorrectedInvoiceClause;
        var text = new Text($"{document.Number}を発行（{original.Number}の{kindText.Ja}、{document.Total:N0}円、理由：{request.Reason.Trim()}）",
            $"{document.Number} issued ({kindText.En} for {original.Number}, ¥{document.Total:N0}, reason: {request.Reason.Trim()})");
        draft.Issue(document, "InvoiceIssued", clause, text);
        var charged = request.Kind == InvoiceKind.CreditNote ? (previous?.Charged ?? original.Total) + document.Total : document.Total;
        var record = new CorrectionRecord(original.Number, document.Number, request.Kind, draft.IssueDay, corrected, document.Total, charged, payable) { EventId = request.EventId };
        var next = state with
        {
            SupplementaryDocuments = sequence,
            Corrections = [.. state.Corrections, record],
            OpenInvoices = remaining,
        };
        return (NonPayment.ResumeIfSettled(draft, next), new Consequence(text, clause, draft.IssueDay, document.Total, document.Number));
    }

    /// <summary>The amounts after the request: every line at zero for a cancellation in full, else the named lines changed.</summary>
    private static List<long> Corrected(Invoice original, IReadOnlyList<long> current, CorrectionRequested request)
    {
        if (request.CancelInFull)
        {
            if (request.Kind != InvoiceKind.CreditNote)
            {
                throw new ContractRuleException("cancelInFull", "cancelling an invoice in full returns its price: ask for a credit note (kind creditNote)", CorrectionDocuments.CreditNoteClause);
            }

            if (request.Lines.Count > 0)
            {
                throw new ContractRuleException("lines", "a cancellation in full names no lines");
            }

            return [.. current.Select(_ => 0L)];
        }

        if (request.Lines.Count == 0)
        {
            throw new ContractRuleException("lines", "name the lines to correct with their corrected amounts, or cancel in full");
        }

        var corrected = current.ToList();
        var seen = new HashSet<int>();
        foreach (var (change, i) in request.Lines.Select((c, i) => (c, i)))
        {
            if (change.Line < 1 || change.Line > original.Lines.Count)
            {
                throw new ContractRuleException($"lines[{i}].line", $"{original.Number} has lines 1 to {original.Lines.Count}, not {change.Line}");
            }

            if (!seen.Add(change.Line))
            {
                throw new ContractRuleException($"lines[{i}].line", $"line {change.Line} is named twice");
            }

            corrected[change.Line - 1] = change.Amount;
        }

        return corrected;
    }

    /// <summary>
    /// A correction returns at most what was charged: a charge cannot become a credit nor a credit a charge (line by line,
    /// against the original), and no rate may end below zero (crediting more than the invoice charged at that rate).
    /// </summary>
    private static void EnsureWithinInvoiced(Invoice original, List<long> corrected)
    {
        for (var i = 0; i < corrected.Count; i++)
        {
            var issued = original.Lines[i].Amount;
            if ((issued >= 0 && corrected[i] < 0) || (issued < 0 && corrected[i] > 0))
            {
                throw new ContractRuleException($"lines[{i}].amount",
                    $"¥{corrected[i]:N0} exceeds what line {i + 1} of {original.Number} invoiced (¥{issued:N0}): a correction returns at most what was charged", CorrectionDocuments.CreditNoteClause);
            }
        }

        foreach (var rate in original.Lines.Select((l, i) => (l.TaxRate, Amount: corrected[i])).GroupBy(x => x.TaxRate))
        {
            if (rate.Sum(x => x.Amount) < 0)
            {
                throw new ContractRuleException("lines",
                    $"the corrected amounts at {rate.Key:0.##%} total ¥{rate.Sum(x => x.Amount):N0}: a correction cannot return more than {original.Number} charged at that rate", CorrectionDocuments.CreditNoteClause);
            }
        }
    }
}
