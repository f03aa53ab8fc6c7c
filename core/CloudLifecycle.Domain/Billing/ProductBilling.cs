using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Core.Billing;

/// <summary>
/// One product's billing rules: the lines of a month, how fractions round, when the invoice is
/// issued and due, and late interest. A pure function of its input: the same input gives the same invoice.
/// </summary>
public abstract class ProductBilling
{
    public ProductCode Product => Terms.Product;

    public abstract ContractTerms Terms { get; }

    /// <summary>How fee fractions round: as the clause that names it says, or our policy where none does.</summary>
    public abstract RoundingRule FeeRounding { get; }

    /// <summary>How the tax fraction rounds (once per rate): as the clause that names it says, or our policy where none does.</summary>
    public abstract RoundingRule TaxRounding { get; }

    public abstract LateInterestPolicy LateInterest { get; }

    /// <summary>What the invoice cites for its tax: the rounding rule's clause, or where our policy rounds, "policy: truncate".</summary>
    protected virtual string TaxClause => TaxRounding.Cite();

    public Invoice Invoice(BillingInput input)
    {
        Validate(input);
        var lines = Lines(input).ToList();
        return InvoiceAssembler.Assemble(input, lines, Dates(input), TaxRounding, TaxClause);
    }

    /// <summary>
    /// The month's invoice split by due date: the lines whose own clause sets when they are due
    /// (<see cref="SeparatelyDue"/>: nec-express5800's termination amounts, §13/§24-2/§25-2/§26-3) go on
    /// a document of their own, due as that clause says; the rest stays the month's invoice. Each
    /// document rounds its tax once per rate, as a qualified invoice of its own.
    /// </summary>
    public IReadOnlyList<Invoice> InvoiceByDueDate(BillingInput input)
    {
        var invoice = Invoice(input);
        var separate = invoice.Lines
            .Select(line => (Line: line, Due: SeparatelyDue(input, line)))
            .Where(x => x.Due is not null)
            .GroupBy(x => x.Due!.Value)
            .ToList();
        if (separate.Count == 0)
        {
            return [invoice];
        }

        var moved = separate.SelectMany(g => g.Select(x => x.Line)).ToHashSet();
        var documents = new List<Invoice> { InvoiceAssembler.Assemble(input, invoice.Lines.Where(l => !moved.Contains(l)).ToList(), (invoice.IssueDate, invoice.DueDate, invoice.DueDateClause), TaxRounding, TaxClause) };
        var sequence = 0;
        foreach (var group in separate)
        {
            // 「直ちに」 can be no earlier than the document that asks for the sum.
            var due = group.Key.Date < invoice.IssueDate ? invoice.IssueDate : group.Key.Date;
            documents.Add(InvoiceAssembler.Assemble(input, group.Select(x => x.Line).ToList(), (invoice.IssueDate, due, group.Key.Clause), TaxRounding, TaxClause) with
            {
                Number = $"{invoice.Number}-P{++sequence}",
                Kind = InvoiceKind.TerminationCharges,
            });
        }

        return documents;
    }

    /// <summary>When a line is due by a clause of its own rather than the month's payment clause; null: with the month.</summary>
    protected virtual (LocalDate Date, string Clause)? SeparatelyDue(BillingInput input, InvoiceLine line) => null;

    /// <summary>
    /// Issue and due dates of a document issued on <paramref name="issued"/> outside the monthly run
    /// (late interest): no clause dates it, so it is due as that month's own charges are (our policy).
    /// </summary>
    public (LocalDate Issue, LocalDate Due, string Clause) SupplementaryDates(LocalDate issued) =>
        (issued, Terms.PaymentDueDate(issued.ToYearMonth()), PaymentClause);

    protected abstract IEnumerable<InvoiceLine> Lines(BillingInput input);

    /// <summary>The last month that can carry charges (the end's month by default).</summary>
    protected virtual YearMonth? LastBillableMonth(BillingInput input) => input.End?.ToYearMonth();

    /// <summary>
    /// Issued the day it is actually issued (<see cref="BillingInput.IssuedOn"/>; a quote: the provider's first
    /// business day of the next month, <see cref="ScheduledIssueDate"/>); due on the day the payment clause
    /// counts (<see cref="StatedDueDate"/>), moved off a bank holiday (民法 §142, <see cref="PaymentDays"/>).
    /// A sum is never due before it was asked for: a document issued after the day its clause states
    /// (a contract registered late) is due on the day it is issued, moved off a bank holiday.
    /// </summary>
    protected (LocalDate Issue, LocalDate Due, string Clause) Dates(BillingInput input)
    {
        var issue = input.IssuedOn ?? ScheduledIssueDate(input.Month);
        var stated = StatedDueDate(input, issue);
        return (issue, PaymentDays.DueDate(stated < issue ? issue : stated), PaymentClause);
    }

    /// <summary>The day a monthly run issues the month's invoice: the provider's first business day of the next month.</summary>
    public LocalDate ScheduledIssueDate(YearMonth month) => Terms.Calendar.OnOrAfter(month.PlusMonths(1).FirstOfMonth());

    /// <summary>The due date the payment clause states for the month's charges issued on <paramref name="issued"/> (before the bank-holiday move).</summary>
    protected virtual LocalDate StatedDueDate(BillingInput input, LocalDate issued) => Terms.StatedPaymentDueDate(input.Month);

    protected abstract string PaymentClause { get; }

    protected long Round(decimal amount) => FeeRounding.Apply(amount);

    protected virtual void Validate(BillingInput input)
    {
        if (input.Product != Product)
        {
            throw new ContractRuleException("product", $"these are the billing rules of {Product}, not {input.Product}");
        }

        if (string.IsNullOrWhiteSpace(input.ContractId))
        {
            throw new ContractRuleException("contractId", "a contract id is required (it makes the invoice number)");
        }

        if (input.Month < input.Start.ToYearMonth())
        {
            throw new ContractRuleException("month", $"{input.Month:uuuu-MM} is before the contract starts ({input.Start:uuuu-MM-dd})");
        }

        if (input.IssuedOn is { } issued && issued < input.Month.PlusMonths(1).FirstOfMonth())
        {
            throw new ContractRuleException("issuedOn", $"{issued:uuuu-MM-dd}: an invoice for {input.Month:uuuu-MM} is issued after the month ends");
        }

        if (LastBillableMonth(input) is { } last && input.Month > last)
        {
            throw new ContractRuleException("month", $"{input.Month:uuuu-MM} is after the contract's last charged month ({last:uuuu-MM})");
        }
    }

    protected static T Required<T>(T? value, string field, string clause)
        where T : struct =>
        value ?? throw new ContractRuleException(field, "is required for this product", clause);

    protected static decimal NonNegative(decimal value, string field, string clause) =>
        value >= 0 ? value : throw new ContractRuleException(field, $"{value} is negative", clause);

    /// <summary>
    /// A credit for an outage of whole days (≥ 24 hours: floor(hours / 24) days) or, with gross
    /// negligence, of the hours themselves, prorated by the calendar days of the month and never
    /// more than the charge it reduces. Returns null when the outage does not qualify.
    /// </summary>
    protected InvoiceLine? OutageCredit(ServiceOutage? outage, YearMonth month, long monthlyCharge, string clause)
    {
        if (outage is null || monthlyCharge <= 0)
        {
            return null;
        }

        NonNegative(outage.Hours, "outage.hours", clause);
        var daysInMonth = month.Calendar.GetDaysInMonth(month.Year, month.Month);
        decimal creditedDays = outage.GrossNegligence ? outage.Hours / 24m : outage.WholeDays;
        if (creditedDays <= 0)
        {
            return null;
        }

        var credit = Math.Min(monthlyCharge, Round(monthlyCharge * creditedDays / daysInMonth));
        var basis = outage.GrossNegligence
            ? new Text($"{outage.Hours}時間分（故意・重過失）", $"{outage.Hours} hours (intent or gross negligence)")
            : new Text($"{creditedDays:0}日分（{outage.Hours}時間の停止）", $"{creditedDays:0} days ({outage.Hours} hours down)");
        return InvoiceAssembler.Line("outage-credit",
            new Text($"サービス停止による減額 {basis.Ja}：月額{monthlyCharge:N0}円 × 日数 ÷ {daysInMonth}日",
                $"outage credit for {basis.En}: ¥{monthlyCharge:N0} a month × days ÷ {daysInMonth}"),
            -credit, clause, creditedDays, null, TaxTreatment.OutageCredit);
    }
}
