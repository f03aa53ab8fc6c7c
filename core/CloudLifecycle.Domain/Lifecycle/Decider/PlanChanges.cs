using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Time;

namespace CloudLifecycle.Core.Lifecycle.Decider;

/// <summary>ntt-east-aws-ops and OPTAGE: a new plan from a day on, never in a month already invoiced.</summary>
internal static class PlanChanges
{
    public static FamilyOutcome Change(DecisionDraft draft, PlanChanged change)
    {
        var state = draft.Before;
        if (state.Plans.Count == 0)
        {
            throw new ContractRuleException("plan", $"{state.Product} has no plans to change");
        }

        if (change.EffectiveFrom < state.Dates.Start || state.InvoicedMonths.Contains(change.EffectiveFrom.ToYearMonth()))
        {
            throw new ContractRuleException("effectiveFrom", $"{change.EffectiveFrom:uuuu-MM-dd} is before the start or in a month already invoiced");
        }

        var selection = new PlanSelection(change.Plan, change.Components, change.Windows);
        var changed = state with { Plans = [.. state.Plans, new PlanPeriod(change.EffectiveFrom, selection)] };
        // The billing rules validate the plan: an unknown plan or component count is refused here, not at the month's end.
        BillingCatalog.For(state.Product).Invoice(BillingInputs.Preview(changed, change.EffectiveFrom.ToYearMonth()));
        var text = new Text($"プラン変更：{change.Plan}（{change.Components}コンポーネント）{change.EffectiveFrom:uuuu-MM-dd}から", $"plan changed to {change.Plan} ({change.Components} components) from {change.EffectiveFrom:uuuu-MM-dd}");
        draft.Record(new HistoryEntry($"event/plan/{change.EffectiveFrom:uuuu-MM-dd}/{state.Plans.Count}", draft.Today, "PlanChanged", string.Empty, text));
        return (changed, new Consequence(text, EffectiveDate: change.EffectiveFrom));
    }
}
