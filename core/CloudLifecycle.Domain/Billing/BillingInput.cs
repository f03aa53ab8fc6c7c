using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Billing;

/// <summary>
/// Everything one month's invoice of one contract is computed from. Which fields a product needs is
/// stated by its billing rules; a missing one is refused naming the field and the clause.
/// </summary>
public sealed record BillingInput
{
    public required ProductCode Product { get; init; }

    public required string ContractId { get; init; }

    /// <summary>As <see cref="ContractDates.Start"/>.</summary>
    public required LocalDate Start { get; init; }

    /// <summary>As <see cref="ContractDates.End"/>: nec-express5800's usage period end; otherwise the cancellation date.</summary>
    public LocalDate? End { get; init; }

    /// <summary>The end was set by the provider (OPTAGE §29-3, §5-3…), not the customer: no early-termination charge (§11-2).</summary>
    public bool EndedByProvider { get; init; }

    public required YearMonth Month { get; init; }

    /// <summary>
    /// The day the document is actually issued (発行日): the day of the round or run that issues it, never
    /// before the contract was registered. Null for a quote (the CLI's <c>invoice</c> without <c>--issued</c>):
    /// dated on the provider's first business day of the next month, the day a monthly run would issue it.
    /// Due dates the clause counts from the issue (nec-express5800 §5-1, ntt-east-aws-ops 別紙2 第2表 備考) follow it.
    /// </summary>
    public LocalDate? IssuedOn { get; init; }

    public required Issuer Issuer { get; init; }

    public required string Recipient { get; init; }

    // eclect-aws
    public decimal? AwsUsageUsd { get; init; }

    public decimal? FxRate { get; init; }

    /// <summary>AWS usage already in yen (instead of USD × rate).</summary>
    public decimal? AwsUsageJpy { get; init; }

    // nec-express5800
    public decimal? BaseFee { get; init; }

    public decimal? UnitPrice { get; init; }

    public decimal? Quantity { get; init; }

    public NecOutage? NecOutage { get; init; }

    public NecTermination? Termination { get; init; }

    public RemovalDelay? RemovalDelay { get; init; }

    // ntt-east-aws-ops and OPTAGE
    public string? Plan { get; init; }

    public int? Components { get; init; }

    /// <summary>
    /// ntt-east-aws-ops 別紙2 第2表 注, a month in which the plan changed: the plan in force on the 1st,
    /// then each plan changed to, in order; <see cref="Plan"/> (the plan at the month's end) is taken as
    /// the last one when the list does not end with it. One change bills the plan after it, several
    /// the dearest of the month. Empty: no change.
    /// </summary>
    public IReadOnlyList<string> PlansDuringMonth { get; init; } = [];

    public IReadOnlyList<SetupItem> SetupItems { get; init; } = [];

    public ServiceOutage? Outage { get; init; }

    /// <summary>ntt-east-aws-ops §49: a qualified invoice was requested (¥400 per invoice).</summary>
    public bool QualifiedInvoiceRequested { get; init; }

    /// <summary>OPTAGE 別表2: how the component prices charge the month's count (volume unless the contract says graduated).</summary>
    public ComponentPricing ComponentPricing { get; init; }

    /// <summary>OPTAGE Premium: any component runs Windows.</summary>
    public bool Windows { get; init; }

    /// <summary>optage-neutrix: the month's Neutrix Cloud resource fee (tax-exclusive).</summary>
    public decimal? ResourceFee { get; init; }

    /// <summary>OPTAGE: components added this month (each +¥10,000 initial fee).</summary>
    public int AddedComponents { get; init; }

    /// <summary>OPTAGE: components with the metric-limit relaxation option (¥2,000 each a month).</summary>
    public int MetricRelaxationComponents { get; init; }

    /// <summary>OPTAGE §11-3: the plan before a downgrade that took effect this month.</summary>
    public PlanSelection? DowngradedFrom { get; init; }

    /// <summary>OPTAGE: payment due this many months after the charge month (default 1: the end of the next month).</summary>
    public int? DueMonthsAfter { get; init; }
}

/// <summary>nec-express5800 §11-1: an outage the provider learned of on <see cref="KnownOn"/>, lasting <see cref="DownDays"/> whole days, applied for on <see cref="AppliedOn"/>.</summary>
public sealed record NecOutage(LocalDate KnownOn, int DownDays, LocalDate AppliedOn);

/// <summary>How an nec-express5800 contract ended early; each owes the base fee for the remaining months under its clause.</summary>
public enum NecTerminationReason
{
    /// <summary>§24-2: the customer cancelled.</summary>
    Cancellation,

    /// <summary>§13: the equipment was lost or destroyed.</summary>
    EquipmentLoss,

    /// <summary>§25-2: false statements at signing.</summary>
    FalseStatement,

    /// <summary>§26-3: the provider terminated for the customer's breach.</summary>
    Breach,
}

public sealed record NecTermination(LocalDate Date, NecTerminationReason Reason);

/// <summary>nec-express5800 §29-3: removal agreed for <see cref="AgreedDate"/> but completed on <see cref="CompletedOn"/> through the customer's delay.</summary>
public sealed record RemovalDelay(LocalDate AgreedDate, LocalDate CompletedOn);

/// <summary>ntt-east-aws-ops 別紙2 第1表: a one-off setup item and how many units of it.</summary>
public sealed record SetupItem(string Item, decimal Quantity);

/// <summary>An outage of <see cref="Hours"/> hours after the provider learned of it; with gross negligence every hour counts.</summary>
public sealed record ServiceOutage(decimal Hours, bool GrossNegligence = false)
{
    /// <summary>
    /// The whole days of an outage: one per full 24 hours, the rest dropped — OPTAGE §24-2
    /// 「24時間の倍数である部分に限ります…24時間ごとに日数を計算し」, ntt-east-aws-ops §35-2, and the
    /// down days nec-express5800 §11-1 counts (days under 24 hours do not count).
    /// </summary>
    public static int WholeDaysOf(decimal hours) => (int)decimal.Floor(hours / 24m);

    public int WholeDays => WholeDaysOf(Hours);
}

/// <summary>An OPTAGE plan selection: plan, components, Windows.</summary>
public sealed record PlanSelection(string Plan, int Components, bool Windows = false);
