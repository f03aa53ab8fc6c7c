using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Billing;

/// <summary>
/// Turns a month's lines into an invoice: groups the lines by tax rate, rounds the tax once per
/// rate with the product's policy, and adds up. Lines are already whole yen.
/// </summary>
public static class InvoiceAssembler
{
    /// <summary>Consumption tax (消費税及び地方消費税), standard rate.</summary>
    public const decimal StandardRate = 0.10m;

    /// <summary>Outside the scope of consumption tax (不課税): damages and penalties are not consideration for a service.</summary>
    public const decimal OutOfScope = 0m;

    public static Invoice Assemble(
        BillingInput input,
        IReadOnlyList<InvoiceLine> lines,
        (LocalDate Issue, LocalDate Due, string Clause) dates,
        RoundingRule taxRounding,
        string taxClause)
    {
        var summaries = lines
            .GroupBy(line => line.TaxRate)
            .OrderByDescending(group => group.Key)
            .Select(group =>
            {
                var taxable = group.Sum(line => line.Amount);
                return new TaxSummary(group.Key, taxable, taxRounding.Apply(taxable * group.Key));
            })
            .ToList();
        var subtotal = lines.Sum(line => line.Amount);
        var tax = summaries.Sum(summary => summary.Tax);
        return new Invoice(
            Number(input.ContractId, input.Month),
            input.Product,
            input.ContractId,
            input.Month,
            dates.Issue,
            dates.Due,
            dates.Clause,
            input.Issuer,
            input.Recipient,
            lines,
            summaries,
            taxClause,
            subtotal,
            tax,
            subtotal + tax);
    }

    /// <summary>Deterministic per contract and month: <c>INV-{contract}-{yyyyMM}</c>.</summary>
    public static string Number(string contractId, YearMonth month) =>
        $"INV-{contractId}-{month.Year:0000}{month.Month:00}";

    public static InvoiceLine Line(string code, Text description, long amount, string clause, decimal? quantity = null, decimal? unitPrice = null, decimal taxRate = StandardRate) =>
        new(code, description, quantity, unitPrice, amount, clause, taxRate);
}
