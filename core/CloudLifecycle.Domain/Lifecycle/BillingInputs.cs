using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle;

/// <summary>Turns a contract's state into the billing input of one month.</summary>
public static class BillingInputs
{
    public static BillingInput For(ContractState state, YearMonth month)
    {
        var usage = state.Usage.FirstOrDefault(u => u.Month == month);
        var first = month.FirstOfMonth();
        var last = month.EndOfMonth();
        var plan = state.PlanOn(last);
        var inForceAtStart = state.PlanOn(first);
        // The first plan is the one registered with the contract; later ones are changes.
        var changes = state.Plans
            .Skip(1)
            .Where(p => p.EffectiveFrom >= first && p.EffectiveFrom <= last)
            .OrderBy(p => p.EffectiveFrom)
            .ToList();
        var outage = state.Outages.FirstOrDefault(o => o.Month == month);
        var isNec = state.Product == ProductCode.NecExpress5800;
        var isOptage = state.Product == ProductCode.OptageNeutrix || state.Product == ProductCode.OptageStorage;
        return new BillingInput
        {
            Product = state.Product,
            ContractId = state.ContractId,
            Start = state.Dates.Start,
            End = state.Dates.End,
            EndedByProvider = state.Dates.EndedByProvider,
            Month = month,
            Issuer = state.Issuer,
            Recipient = state.Customer.Name,
            AwsUsageUsd = usage?.AwsUsageUsd,
            FxRate = usage?.FxRate,
            AwsUsageJpy = usage?.AwsUsageJpy,
            BaseFee = PriceFor(state, month, p => p.BaseFee) ?? state.Profile.BaseFee,
            UnitPrice = PriceFor(state, month, p => p.UnitPrice) ?? state.Profile.UnitPrice,
            Quantity = usage?.Quantity,
            NecOutage = isNec && outage is { KnownOn: { } known, AppliedOn: { } applied }
                ? new NecOutage(known, ServiceOutage.WholeDaysOf(outage.Hours), applied)
                : null,
            Termination = state.Termination,
            Plan = plan?.Plan,
            Components = plan?.Components,
            Windows = plan?.Windows ?? false,
            ComponentPricing = state.Profile.ComponentPricing,
            // ntt-east-aws-ops 別紙2 第2表 注: the plan in force on the 1st, then each plan changed to (one change bills
            // the plan after it, several the dearest).
            PlansDuringMonth = changes.Count == 0 || inForceAtStart is null ? [] : [inForceAtStart.Plan, .. changes.Select(c => c.Selection.Plan)],
            SetupItems = month == state.Dates.Start.ToYearMonth() ? state.Profile.SetupItems : [],
            Outage = !isNec && outage is not null ? new ServiceOutage(outage.Hours, outage.GrossNegligence) : null,
            QualifiedInvoiceRequested = state.Profile.QualifiedInvoice,
            ResourceFee = usage?.ResourceFee,
            AddedComponents = isOptage ? AddedComponents(inForceAtStart, changes) : 0,
            MetricRelaxationComponents = state.Profile.MetricRelaxationComponents,
            DowngradedFrom = isOptage && changes.Count > 0 ? inForceAtStart : null,
            DueMonthsAfter = state.Profile.DueMonthsAfter,
        };
    }

    /// <summary>
    /// The month's input with every metered figure at zero: what the billing rules say about the
    /// contract's own prices and plans (validation, early-termination charges) before usage arrives.
    /// </summary>
    public static BillingInput Preview(ContractState state, YearMonth month) =>
        For(state, month) with { AwsUsageUsd = 0, FxRate = 1, Quantity = 0, ResourceFee = 0, Outage = null, NecOutage = null };

    /// <summary>
    /// nec-express5800: the price agreed after registration (<see cref="ContractState.Prices"/>) that a month
    /// is billed at — the latest in force on the month's first day; null: the registered price. Interpretation:
    /// §4-3's base fee is monthly and the terms prorate it nowhere, so a month is billed at one price; a usage
    /// period ending on a month's last day (as they do) moves to the agreed price with the next month, and a
    /// price agreed from mid-month applies from the next whole month.
    /// </summary>
    private static decimal? PriceFor(ContractState state, YearMonth month, Func<PricePeriod, decimal?> price) =>
        state.Prices
            .Where(p => p.EffectiveFrom <= month.FirstOfMonth() && price(p) is not null)
            .OrderBy(p => p.EffectiveFrom)
            .Select(price)
            .LastOrDefault();

    /// <summary>OPTAGE 別表2 備考: each component added during the month owes the initial fee once.</summary>
    private static int AddedComponents(PlanSelection? before, IReadOnlyList<PlanPeriod> changes)
    {
        var added = 0;
        var current = before?.Components ?? 0;
        foreach (var change in changes)
        {
            added += Math.Max(0, change.Selection.Components - current);
            current = change.Selection.Components;
        }

        return added;
    }
}
