using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Billing;

/// <summary>
/// The late-payment interest of one late payment, billed on its own invoice when the payment
/// arrives, so that it is owed, chased and paid like any charge. Interest is damages for the delay
/// (遅延損害金), not consideration for a service: outside the scope of consumption tax (不課税), and
/// it bears no interest of its own (民法 §405 allows interest on interest only after a year's arrears
/// and a demand, which we do not model).
/// </summary>
public static class LateInterestInvoice
{
    /// <summary>The document number: the month it was issued in and its place among the contract's supplementary documents.</summary>
    public static string Number(string contractId, YearMonth month, int sequence) =>
        $"{InvoiceAssembler.Number(contractId, month)}-L{sequence}";

    /// <summary>
    /// The document, numbered by the month the payment was made in and dated <paramref name="issuedOn"/>, the day it is
    /// actually issued (a payment recorded days after it was made is billed on the day it is recorded, not before).
    /// </summary>
    public static Invoice Build(ProductBilling billing, string contractId, Issuer issuer, string recipient, string latePaidInvoice, LateInterest interest, int sequence, LocalDate issuedOn)
    {
        var dates = billing.SupplementaryDates(issuedOn < interest.PaidOn ? interest.PaidOn : issuedOn);
        var month = interest.PaidOn.ToYearMonth();
        var line = InvoiceAssembler.Line(
            "late-interest",
            new Text($"{latePaidInvoice}の遅延損害金：{interest.Explanation.Ja}", $"late interest on {latePaidInvoice}: {interest.Explanation.En}"),
            interest.Interest,
            interest.Clause,
            quantity: interest.Days,
            taxRate: InvoiceAssembler.OutOfScope);
        var input = new BillingInput { Product = billing.Product, ContractId = contractId, Start = interest.PaidOn, Month = month, Issuer = issuer, Recipient = recipient };
        // Out of scope of tax: no fraction to round, so the policy named here never changes a figure.
        return InvoiceAssembler.Assemble(input, [line], dates, RoundingRule.OurPolicy, interest.Clause) with
        {
            Number = Number(contractId, month, sequence),
            Kind = InvoiceKind.LateInterest,
            Refers = latePaidInvoice,
        };
    }
}
