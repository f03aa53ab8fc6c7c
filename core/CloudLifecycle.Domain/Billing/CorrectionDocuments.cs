using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Billing;

/// <summary>
/// The documents that correct an issued invoice, which itself never changes (消費税法 §57-4(3)/(4); jp-documents §1.3, §1.5).
/// Both are built from the original's lines and the amounts each line should carry after the correction:
/// <list type="bullet">
/// <item>a credit note (適格返還請求書, <see cref="InvoiceKind.CreditNote"/>) holds one negative line per lowered line, the
/// returned amount per rate and its tax. The tax returned at a rate is the original's tax at that rate less the tax of the
/// corrected amount at that rate, rounded once by the product's rule (our reading: the invoice and its credit notes then add
/// up to exactly the invoice that should have been issued, and the figure always lies between the floor and the ceiling of
/// the returned amount × rate, as JP PINT aligned-ibrp-051-jp asks);</item>
/// <item>a corrected invoice (修正した適格請求書, <see cref="InvoiceKind.CorrectedInvoice"/>) reissues every line with its
/// corrected amount — the NTA's method of reissuing the whole document, the one JP PINT supports (BIS §3.1.9) — and
/// replaces the original as what the customer owes.</item>
/// </list>
/// </summary>
public static class CorrectionDocuments
{
    /// <summary>§57-4(3): the 適格返還請求書's duty; cited on the credit note's lines and dates.</summary>
    public const string CreditNoteClause = "消費税法 §57-4(3)";

    /// <summary>§57-4(4): the duty to deliver a corrected document.</summary>
    public const string CorrectedInvoiceClause = "消費税法 §57-4(4)";

    /// <summary><c>INV-{contract}-{yyyyMM}-R{n}</c> (credit note) or <c>-M{n}</c> (corrected invoice): the month it is issued in, the contract's next supplementary number.</summary>
    public static string Number(string contractId, YearMonth issuedIn, InvoiceKind kind, int sequence) =>
        $"{InvoiceAssembler.Number(contractId, issuedIn)}-{(kind == InvoiceKind.CreditNote ? 'R' : 'M')}{sequence}";

    /// <summary>The kinds of document a correction may correct: those that bill the customer under a clause (a payout statement is not an invoice).</summary>
    public static bool IsCorrectable(InvoiceKind kind) => kind is InvoiceKind.Monthly or InvoiceKind.TerminationCharges or InvoiceKind.LateInterest;

    /// <summary>Amount and tax per rate of the original's lines carrying <paramref name="amounts"/>, the tax rounded once per rate by <paramref name="taxRounding"/>.</summary>
    public static IReadOnlyList<TaxSummary> Summaries(Invoice original, IReadOnlyList<long> amounts, RoundingRule taxRounding)
    {
        if (amounts.SequenceEqual(original.Lines.Select(l => l.Amount)))
        {
            return original.TaxSummaries; // the figures as issued
        }

        return original.Lines.Select((line, i) => (line.TaxRate, Amount: amounts[i]))
            .GroupBy(x => x.TaxRate)
            .OrderByDescending(g => g.Key)
            .Select(g =>
            {
                var taxable = g.Sum(x => x.Amount);
                return new TaxSummary(g.Key, taxable, taxRounding.Apply(taxable * g.Key));
            })
            .ToList();
    }

    /// <summary>
    /// The credit note returning the difference between <paramref name="current"/> (the amounts the customer was charged:
    /// the original's, less earlier credit notes) and <paramref name="corrected"/>. Dated <paramref name="issuedOn"/>, which is
    /// also the day of the return (§57-4(3) 「対価の返還等を行う年月日」: the price is reduced the day the document says so).
    /// </summary>
    public static Invoice CreditNote(Invoice original, IReadOnlyList<long> current, IReadOnlyList<long> corrected, RoundingRule taxRounding, string reason, int sequence, LocalDate issuedOn)
    {
        var lines = original.Lines
            .Select((line, i) => (line, i))
            .Where(x => corrected[x.i] != current[x.i])
            .Select(x => x.line with
            {
                Description = new Text($"返還：{x.line.Description.Ja}（{current[x.i]:N0}円→{corrected[x.i]:N0}円）", $"returned: {x.line.Description.En} (¥{current[x.i]:N0} → ¥{corrected[x.i]:N0})"),
                Quantity = null,
                UnitPrice = null,
                Amount = corrected[x.i] - current[x.i],
            })
            .ToList();
        var before = Summaries(original, current, taxRounding);
        var after = Summaries(original, corrected, taxRounding);
        var summaries = before
            .Select(b => (Before: b, After: after.Single(a => a.Rate == b.Rate)))
            .Where(x => x.After.TaxableAmount != x.Before.TaxableAmount)
            .Select(x => new TaxSummary(x.Before.Rate, x.After.TaxableAmount - x.Before.TaxableAmount, x.After.Tax - x.Before.Tax))
            .ToList();
        var subtotal = lines.Sum(l => l.Amount);
        var tax = summaries.Sum(s => s.Tax);
        var number = Number(original.ContractId, issuedOn.ToYearMonth(), InvoiceKind.CreditNote, sequence);
        return new Invoice(number, original.Product, original.ContractId, issuedOn.ToYearMonth(), issuedOn, issuedOn, CreditNoteClause,
            original.Issuer, original.Recipient, lines, summaries, original.TaxClause, subtotal, tax, subtotal + tax)
        {
            Kind = InvoiceKind.CreditNote,
            Refers = original.Number,
            Correction = new CorrectionReference(original.Number, original.TransactionMonth, original.IssueDate, reason, before),
        };
    }

    /// <summary>
    /// The corrected invoice: every line of the original with its corrected amount (a changed line loses its quantity and
    /// unit price, which no longer multiply to it, and says what it was), due on <paramref name="due"/>.
    /// </summary>
    public static Invoice CorrectedInvoice(Invoice original, IReadOnlyList<long> current, IReadOnlyList<long> corrected, RoundingRule taxRounding, string reason, int sequence, LocalDate issuedOn, (LocalDate Date, string Clause) due)
    {
        var lines = original.Lines
            .Select((line, i) => corrected[i] == current[i] && current[i] == line.Amount
                ? line
                : line with
                {
                    Description = new Text($"{line.Description.Ja}（訂正：{line.Amount:N0}円→{corrected[i]:N0}円）", $"{line.Description.En} (corrected: ¥{line.Amount:N0} → ¥{corrected[i]:N0})"),
                    Quantity = null,
                    UnitPrice = null,
                    Amount = corrected[i],
                })
            .ToList();
        var summaries = Summaries(original, corrected, taxRounding);
        var subtotal = lines.Sum(l => l.Amount);
        var tax = summaries.Sum(s => s.Tax);
        var number = Number(original.ContractId, issuedOn.ToYearMonth(), InvoiceKind.CorrectedInvoice, sequence);
        return new Invoice(number, original.Product, original.ContractId, issuedOn.ToYearMonth(), issuedOn, due.Date, due.Clause,
            original.Issuer, original.Recipient, lines, summaries, original.TaxClause, subtotal, tax, subtotal + tax)
        {
            Kind = InvoiceKind.CorrectedInvoice,
            Refers = original.Number,
            Correction = new CorrectionReference(original.Number, original.TransactionMonth, original.IssueDate, reason, Summaries(original, current, taxRounding)),
        };
    }
}
