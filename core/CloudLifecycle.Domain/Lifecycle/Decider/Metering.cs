using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;

namespace CloudLifecycle.Core.Lifecycle.Decider;

/// <summary>What the month measured: usage and outages, recorded for a month not yet invoiced.</summary>
internal static class Metering
{
    public static FamilyOutcome RecordUsage(DecisionDraft draft, MonthUsage usage)
    {
        var state = draft.Before;
        Guards.EnsureNotInvoiced(state, usage.Month, "usage.month");
        if (state.PlanningDates.End is { } end && usage.Month > end.ToYearMonth())
        {
            throw new ContractRuleException("usage.month", $"{usage.Month:uuuu-MM} is after the contract's end ({end:uuuu-MM-dd})");
        }

        if (usage.Month < state.Dates.Start.ToYearMonth())
        {
            throw new ContractRuleException("usage.month", $"{usage.Month:uuuu-MM} is before the contract starts ({state.Dates.Start:uuuu-MM-dd})");
        }

        foreach (var (value, field) in new[] { (usage.AwsUsageUsd, "awsUsageUsd"), (usage.FxRate, "fxRate"), (usage.AwsUsageJpy, "awsUsageJpy"), (usage.Quantity, "quantity"), (usage.ResourceFee, "resourceFee") })
        {
            if (value < 0)
            {
                throw new ContractRuleException($"usage.{field}", $"{value} is negative");
            }
        }

        EnsureBillable(state.Product, usage);
        var text = new Text($"{usage.Month:uuuu-MM}の利用量を記録", $"usage recorded for {usage.Month:uuuu-MM}");
        draft.Add(new StoreUsage(usage) { ContractId = state.ContractId });
        draft.Record(new HistoryEntry($"event/usage/{usage.Month:uuuu-MM}/{draft.Today:uuuu-MM-dd}", draft.Today, "UsageRecorded", string.Empty, text));
        return (state with { Usage = [.. state.Usage.Where(u => u.Month != usage.Month), usage] }, new Consequence(text));
    }

    /// <summary>
    /// A usage is checked against the contract's product when it is posted, not when the month is invoiced: the figures
    /// the product's invoice is computed from must be there, or the month's run would refuse the contract weeks later.
    /// nec-express5800 §4-4 charges the metered fee as unit price × quantity (「従量料金」), so a usage without
    /// <c>quantity</c> cannot be invoiced; eclect-aws §13-1(1) bills the AWS usage in yen, given in yen
    /// (<c>awsUsageJpy</c>) or in dollars with the §15 exchange rate (<c>awsUsageUsd</c> and <c>fxRate</c>).
    /// The other products take no usage figure their invoice needs (OPTAGE's resource fee is optional).
    /// </summary>
    private static void EnsureBillable(ProductCode product, MonthUsage usage)
    {
        if (product == ProductCode.NecExpress5800 && usage.Quantity is null)
        {
            throw new ContractRuleException("usage.quantity", "is required for nec-express5800: the metered fee is the unit price × the month's quantity", "§4-4");
        }

        if (product == ProductCode.EclectAws && usage.AwsUsageJpy is null)
        {
            if (usage.AwsUsageUsd is null)
            {
                throw new ContractRuleException("usage.awsUsageUsd", "is required for eclect-aws (or awsUsageJpy): the month's AWS usage is billed in yen", "§13-1(1)");
            }

            if (usage.FxRate is null)
            {
                throw new ContractRuleException("usage.fxRate", "is required with awsUsageUsd: dollars are billed in yen at the exchange rate", "§15");
            }
        }
    }

    public static FamilyOutcome RecordOutage(DecisionDraft draft, OutageRecord outage)
    {
        var state = draft.Before;
        Guards.EnsureNotInvoiced(state, outage.Month, "outage.month");
        if (outage.Hours < 0)
        {
            throw new ContractRuleException("outage.hours", $"{outage.Hours} is negative");
        }

        if (state.Product == ProductCode.NecExpress5800 && (outage.KnownOn is null || outage.AppliedOn is null))
        {
            throw new ContractRuleException("outage.knownOn", "nec-express5800 credits need the day the provider learned of the outage and the application day", NecExpress5800Terms.OutageApplicationClause);
        }

        var text = new Text($"{outage.Hours}時間の停止を記録（{outage.Month:uuuu-MM}分で減額）", $"{outage.Hours} hours of outage recorded (credited for {outage.Month:uuuu-MM})");
        draft.Record(new HistoryEntry($"event/outage/{outage.Month:uuuu-MM}/{draft.Today:uuuu-MM-dd}", draft.Today, "OutageReported", string.Empty, text));
        return (state with { Outages = [.. state.Outages.Where(o => o.Month != outage.Month), outage] }, new Consequence(text));
    }
}
