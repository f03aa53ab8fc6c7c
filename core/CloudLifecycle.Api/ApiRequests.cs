using System.Text.Json.Serialization;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Api;

// Request bodies of the CRM API. Required members are C# `required` (a missing one is a 400 naming
// it); unknown members, nulls for required members and wrong JSON types are refused by ApiJson.
// Money is integer yen or a decimal string ("1234.5"), dates yyyy-MM-dd, months yyyy-MM.

/// <summary>The customer who receives the notices: name (the invoice's recipient), email, language (ja or en).</summary>
public sealed record CustomerBody
{
    public required string Name { get; init; }

    public required string Email { get; init; }

    public Language Language { get; init; } = Language.Ja;
}

/// <summary>The qualified-invoice issuer (適格請求書発行事業者); defaults to the configured issuer.</summary>
public sealed record IssuerBody
{
    public required string Name { get; init; }

    public required string RegistrationNumber { get; init; }
}

/// <summary>ntt-east-aws-ops 別紙2 第1表: a setup item billed with the first invoice.</summary>
public sealed record SetupItemBody
{
    public required string Item { get; init; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public required decimal Quantity { get; init; }
}

/// <summary><c>POST /contracts</c>: registers a contract. Which billing members a product needs is stated by its billing rules.</summary>
public sealed record RegisterContractBody
{
    public required string ContractId { get; init; }

    public required ProductCode Product { get; init; }

    public required LocalDate StartDate { get; init; }

    /// <summary>nec-express5800: the end of the usage period (required); others: a known end.</summary>
    public LocalDate? EndDate { get; init; }

    /// <summary>nec-express5800: the agreed removal date, when one is agreed.</summary>
    public LocalDate? RemovalDate { get; init; }

    public required CustomerBody Customer { get; init; }

    /// <summary>ntt-east-aws-ops / OPTAGE: the plan at the start.</summary>
    public string? Plan { get; init; }

    /// <summary>The plan's component count (with <see cref="Plan"/>).</summary>
    public int? Components { get; init; }

    /// <summary>ntt-east-aws-ops: Windows instances in the plan.</summary>
    public bool? Windows { get; init; }

    /// <summary>nec-express5800 §4-3: the monthly base fee in yen.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public decimal? BaseFee { get; init; }

    /// <summary>nec-express5800 §4-4: the price per metered unit in yen.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public decimal? UnitPrice { get; init; }

    /// <summary>OPTAGE: components with the metric-limit relaxation option.</summary>
    public int? MetricRelaxationComponents { get; init; }

    /// <summary>
    /// OPTAGE 別表2: how component prices charge the month's count — volume (default: every component
    /// at the price of the count's band, the terms read literally) or graduated (each band at its price).
    /// </summary>
    public ComponentPricing? ComponentPricing { get; init; }

    /// <summary>ntt-east-aws-ops §49: a qualified invoice every month.</summary>
    public bool? QualifiedInvoice { get; init; }

    public IReadOnlyList<SetupItemBody>? SetupItems { get; init; }

    /// <summary>OPTAGE: payment due this many months after the charge month (default 1).</summary>
    public int? DueMonthsAfter { get; init; }

    public IssuerBody? Issuer { get; init; }
}

/// <summary><c>POST /contracts/{id}/cancellation-requests</c>: notice given on a day, for a requested end.</summary>
public sealed record CancellationBody
{
    public required LocalDate NoticeDate { get; init; }

    public required LocalDate RequestedDate { get; init; }
}

/// <summary><c>POST /contracts/{id}/extension-requests</c> (nec-express5800 §2-3).</summary>
public sealed record ExtensionBody
{
    public required LocalDate RequestDate { get; init; }

    public required LocalDate NewEnd { get; init; }
}

/// <summary>
/// <c>POST /contracts/{id}/extension-decisions</c> (nec-express5800 §2-3): NEC's answer to the pending request.
/// An approval states the agreed end (<see cref="NewEnd"/>, required) and, where agreed, the prices that
/// apply from the day after the previous end; a decline carries nothing else.
/// </summary>
public sealed record ExtensionDecisionBody
{
    public required LocalDate DecidedOn { get; init; }

    public required bool Approved { get; init; }

    /// <summary>The usage period end the parties agreed (approval only; may differ from the one requested).</summary>
    public LocalDate? NewEnd { get; init; }

    /// <summary>§4-3: the monthly base fee in yen from the day after the previous end (approval only).</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public decimal? NewBaseFee { get; init; }

    /// <summary>§4-4: the price per metered unit in yen from the day after the previous end (approval only).</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public decimal? NewUnitPrice { get; init; }
}

/// <summary><c>POST /contracts/{id}/plan-changes</c> (ntt-east-aws-ops, OPTAGE).</summary>
public sealed record PlanChangeBody
{
    public required LocalDate EffectiveFrom { get; init; }

    public required string Plan { get; init; }

    public required int Components { get; init; }

    public bool Windows { get; init; }
}

/// <summary><c>POST /contracts/{id}/usage</c>: a month's usage; which members matter depends on the product.</summary>
public sealed record UsageBody
{
    public required YearMonth Month { get; init; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public decimal? AwsUsageUsd { get; init; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public decimal? FxRate { get; init; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public decimal? AwsUsageJpy { get; init; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public decimal? Quantity { get; init; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public decimal? ResourceFee { get; init; }
}

/// <summary><c>POST /contracts/{id}/outages</c>: an outage credited on the invoice of <see cref="Month"/>.</summary>
public sealed record OutageBody
{
    public required YearMonth Month { get; init; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public required decimal Hours { get; init; }

    public bool GrossNegligence { get; init; }

    /// <summary>nec-express5800 §11-1: the day the provider learned of the outage.</summary>
    public LocalDate? KnownOn { get; init; }

    /// <summary>nec-express5800 §11-1: the day the customer applied for the credit.</summary>
    public LocalDate? AppliedOn { get; init; }
}

/// <summary><c>POST /contracts/{id}/payments</c>: yen received against an invoice.</summary>
public sealed record PaymentBody
{
    public required string InvoiceNumber { get; init; }

    public required LocalDate PaidOn { get; init; }

    /// <summary>Integer yen (a decimal string with no fraction is accepted).</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public required long Amount { get; init; }
}

/// <summary>One line of a correction: the line's number on the invoice (1-based) and the amount it should carry.</summary>
public sealed record CorrectionLineBody
{
    public required int Line { get; init; }

    /// <summary>Integer yen, tax excluded, as the line's amount on the invoice (a decimal string with no fraction is accepted).</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public required long Amount { get; init; }
}

/// <summary>
/// <c>POST /invoices/{number}/corrections</c>: a credit note (creditNote, 適格返還請求書) or a corrected invoice
/// (correctedInvoice, 修正した適格請求書) for an issued invoice — the lines with their corrected amounts, or cancelInFull.
/// </summary>
public sealed record CorrectionBody
{
    public required Core.Billing.InvoiceKind Kind { get; init; }

    public required string Reason { get; init; }

    public IReadOnlyList<CorrectionLineBody>? Lines { get; init; }

    public bool? CancelInFull { get; init; }

    /// <summary>The day the correction is asked for (default: today); never in the future.</summary>
    public LocalDate? RequestedOn { get; init; }
}

/// <summary><c>POST /contracts/{id}/provider-notices</c>: the provider gave notice under one of the product's rules.</summary>
public sealed record ProviderNoticeBody
{
    public required string Rule { get; init; }

    public required LocalDate NoticeDate { get; init; }

    /// <summary>
    /// The date the notice states: the end (required for eclect-aws <c>discontinuation</c> §30-2 and
    /// OPTAGE <c>deemed-notice</c> §5-2/§5-3), the last day to cure, or the day a suspension for
    /// non-payment begins (required, after the notice, for NEC §19-2 and NTT §34-2); no earlier than the
    /// rule allows. Without it, the earliest date the rule allows.
    /// </summary>
    public LocalDate? StatedDate { get; init; }
}

/// <summary><c>POST /billing-runs</c>: invoice every contract for a month that has ended.</summary>
public sealed record BillingRunBody
{
    public required YearMonth Month { get; init; }
}
