using NodaTime;

namespace CloudLifecycle.Core.Lifecycle;

/// <summary>Where a nec-express5800 §2-3 extension request stands: awaiting NEC's decision, approved or declined.</summary>
public enum ExtensionOutcome
{
    Pending,
    Approved,
    Declined,
}

/// <summary>
/// nec-express5800 §2-3: the customer's latest request to extend the usage period and NEC's answer.
/// 「当社が利用期間の延長が可能と判断したときには…両社にて調整のうえ…延長することができます」: the request
/// changes nothing by itself; NEC decides, and only an approval moves the end (to the end the parties
/// agreed, <see cref="AgreedEnd"/>, which may differ from <see cref="RequestedEnd"/>).
/// <see cref="UsagePeriodEnd"/> is the end the request was made for: once an approval moves the end,
/// the next extension (「7年目以降を含みます」) is a new request with its own deadline.
/// </summary>
public sealed record ExtensionRecord(LocalDate RequestDate, LocalDate RequestedEnd, LocalDate UsagePeriodEnd)
{
    public ExtensionOutcome Outcome { get; init; } = ExtensionOutcome.Pending;

    public LocalDate? DecidedOn { get; init; }

    /// <summary>The usage period end the parties agreed (approved only).</summary>
    public LocalDate? AgreedEnd { get; init; }

    /// <summary>
    /// True when the request was made for the usage period as it ends on <paramref name="usagePeriodEnd"/>:
    /// its §2-3 deadline was met (pending) or answered (declined), so nobody needs reminding of it.
    /// </summary>
    public bool Concerns(LocalDate? usagePeriodEnd) => UsagePeriodEnd == usagePeriodEnd;
}

/// <summary>
/// nec-express5800: prices in force from <see cref="EffectiveFrom"/>, agreed with an extension
/// (§2-3 「サービス料金の値上げ等を含めて両社にて調整」) and applying from the day after the previous end;
/// a null price keeps the one before. The monthly invoice reads them through <see cref="BillingInputs"/>.
/// </summary>
public sealed record PricePeriod(LocalDate EffectiveFrom, decimal? BaseFee, decimal? UnitPrice, string Clause);
