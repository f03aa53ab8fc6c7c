using System.Text.RegularExpressions;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;

namespace CloudLifecycle.Core.Lifecycle;

/// <summary>
/// What registering a contract needs. <see cref="ToState"/> checks it against the product's terms
/// and billing rules, so that a contract that could never be planned or billed is refused at the door.
/// </summary>
public sealed partial record ContractRegistration(
    string ContractId,
    ProductCode Product,
    Customer Customer,
    ContractDates Dates,
    Issuer Issuer,
    BillingProfile? Profile = null)
{
    public const int MaxContractIdLength = 64;

    /// <summary>
    /// Whether <paramref name="contractId"/> can name a contract: 1–64 letters, digits, '-', '_' or '.',
    /// starting with a letter or digit. Every stored id is one, so a caller can refuse anything else
    /// (a '/', '%', a control character) before it reaches a store key or a path.
    /// </summary>
    public static bool IsContractId(string? contractId) =>
        !string.IsNullOrEmpty(contractId) && contractId.Length <= MaxContractIdLength && ContractIdPattern().IsMatch(contractId);

    public ContractState ToState()
    {
        if (!IsContractId(ContractId))
        {
            throw new ContractRuleException("contractId", $"'{ContractId}' must be 1–{MaxContractIdLength} letters, digits, '-', '_' or '.'");
        }

        if (string.IsNullOrWhiteSpace(Customer.Name))
        {
            throw new ContractRuleException("customer.name", "is required (it is the invoice's recipient)");
        }

        if (!EmailPattern().IsMatch(Customer.Email ?? string.Empty))
        {
            throw new ContractRuleException("customer.email", $"'{Customer.Email}' is not an email address");
        }

        if (Product == ProductCode.NecExpress5800 && Dates.End is null)
        {
            throw new ContractRuleException("endDate", "nec-express5800 needs the end of the usage period", NecExpress5800Terms.UsagePeriodClause);
        }

        var profile = Profile ?? new BillingProfile();
        if (profile.ComponentPricing != ComponentPricing.Volume && Product != ProductCode.OptageNeutrix && Product != ProductCode.OptageStorage)
        {
            throw new ContractRuleException("componentPricing", $"{TieredPricing.Name(profile.ComponentPricing)}: component pricing is an OPTAGE setting; {Product} has no banded component prices", "別表2");
        }

        // Dates within the calendars, prices and counts within their documented bounds: no month's invoice of this contract can overflow.
        AmountBounds.Check(Dates);
        AmountBounds.Check(profile);
        var state = new ContractState
        {
            ContractId = ContractId,
            Product = Product,
            Customer = Customer with { Name = Customer.Name.Trim(), Email = Customer.Email!.Trim() },
            Dates = Dates,
            Issuer = Issuer,
            Profile = profile,
            Plans = profile.Plan is { } plan ? [new PlanPeriod(Dates.Start, plan)] : [],
        };

        // The terms validate the dates; the billing rules validate prices and plans on a month with no usage.
        ProductCatalog.For(Product).Plan(state.PlanningDates, Dates.Start);
        BillingCatalog.For(Product).Invoice(BillingInputs.Preview(state, Dates.Start.ToYearMonth()));
        return state;
    }

    // \z, not $: '$' also matches before a final newline, which would let "C-1\n" through.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex ContractIdPattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();
}
