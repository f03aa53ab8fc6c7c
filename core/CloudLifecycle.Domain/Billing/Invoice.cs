using System.Text.RegularExpressions;
using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Billing;

/// <summary>One line of an invoice: an integer-yen amount (negative for a credit) and the clause it comes from.</summary>
public sealed record InvoiceLine(
    string Code,
    Text Description,
    decimal? Quantity,
    decimal? UnitPrice,
    long Amount,
    string Clause,
    decimal TaxRate);

/// <summary>The amount and tax at one rate: tax is rounded once per invoice per rate (適格請求書).</summary>
public sealed record TaxSummary(decimal Rate, long TaxableAmount, long Tax);

/// <summary>
/// The issuer of a qualified invoice (適格請求書発行事業者): name and registration number, "T"
/// followed by 13 digits. Comes from configuration, never from code.
/// </summary>
public sealed partial record Issuer
{
    public Issuer(string name, string registrationNumber)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ContractRuleException("issuer.name", "the issuer's name is required on a qualified invoice");
        }

        var number = registrationNumber?.Trim() ?? string.Empty;
        if (!RegistrationNumberPattern().IsMatch(number))
        {
            throw new ContractRuleException("issuer.registrationNumber",
                $"'{registrationNumber}' is not a qualified-invoice registration number (T followed by 13 digits)");
        }

        Name = name.Trim();
        RegistrationNumber = number;
    }

    public string Name { get; }

    public string RegistrationNumber { get; }

    /// <summary>Where the customer pays (振込先), if configured: printed on the documents that ask for payment.</summary>
    public BankTransfer? Transfer { get; init; }

    [GeneratedRegex("^T[0-9]{13}$", RegexOptions.CultureInvariant)]
    private static partial Regex RegistrationNumberPattern();
}

/// <summary>
/// An invoice for one contract and one month. <see cref="Number"/> is a function of the contract
/// and the month, so issuing twice yields the same invoice.
/// </summary>
public sealed record Invoice(
    string Number,
    ProductCode Product,
    string ContractId,
    YearMonth Month,
    LocalDate IssueDate,
    LocalDate DueDate,
    string DueDateClause,
    Issuer Issuer,
    string Recipient,
    IReadOnlyList<InvoiceLine> Lines,
    IReadOnlyList<TaxSummary> TaxSummaries,
    string TaxClause,
    long Subtotal,
    long Tax,
    long Total)
{
    /// <summary>What the document is: the month's invoice, or one issued beside it (late interest).</summary>
    public InvoiceKind Kind { get; init; } = InvoiceKind.Monthly;

    /// <summary>The invoice this document follows from (the one paid late), if any.</summary>
    public string? Refers { get; init; }

    /// <summary>What a correction document (credit note, corrected invoice) corrects; null for every other document.</summary>
    public CorrectionReference? Correction { get; init; }

    /// <summary>
    /// The month the transaction took place in (取引年月日): the document's own month, or for a correction the month of
    /// the invoice it corrects (§57-4(3) 「対価の返還等の基となった課税資産の譲渡等を行った年月日」, 「○月分」 accepted).
    /// </summary>
    public YearMonth TransactionMonth => Correction?.Month ?? Month;

    /// <summary>The one tax rate of the invoice, or null when lines carry several rates.</summary>
    public decimal? SingleTaxRate => TaxSummaries.Count == 1 ? TaxSummaries[0].Rate : null;
}

/// <summary>
/// The invoice a correction document refers to (JP PINT ibg-03 BillingReference): its number, the month of its
/// transaction, its 発行日, why it is corrected, and the amounts per rate the correction replaces (what the customer was
/// charged before it: the original's, less corrections issued since), which the books reverse.
/// </summary>
public sealed record CorrectionReference(string Number, YearMonth Month, LocalDate IssueDate, string Reason, IReadOnlyList<TaxSummary> Replaced);
