using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using NodaTime;
using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Terms;

/// <summary>
/// Issue 17: a plan through a horizon stops building payment-due milestones at the first one past it (the decider plans
/// every round through today + its look-ahead). What a customer sees must not change: the plan through a horizon is
/// exactly the plan through a later horizon, cut at the earlier one — every milestone, date, clause and text.
/// </summary>
public class PlanHorizonTests
{
    public static TheoryData<string, string, string?, string> Cases()
    {
        var data = new TheoryData<string, string, string?, string>();
        string[] horizons = ["2026-04-30", "2026-11-02", "2027-01-04", "2027-02-26", "2028-06-30"];
        foreach (var horizon in horizons)
        {
            data.Add("eclect-aws", "2026-04-01", null, horizon);
            data.Add("eclect-aws", "2026-04-17", "2027-03-20", horizon);
            data.Add("nec-express5800", "2026-04-01", "2029-03-31", horizon);
            data.Add("nec-express5800", "2026-04-15", "2031-03-31", horizon);
            data.Add("ntt-east-aws-ops", "2026-04-01", null, horizon);
            data.Add("ntt-east-aws-ops", "2026-04-10", "2027-09-30", horizon);
            data.Add("optage-neutrix", "2026-04-01", null, horizon);
            data.Add("optage-neutrix", "2026-04-21", "2027-08-31", horizon);
            data.Add("optage-storage", "2026-04-01", null, horizon);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PlanThroughAHorizon_IsTheLongerPlanCutThere(string product, string start, string? end, string horizon)
    {
        var terms = ProductCatalog.For(product);
        var dates = new ContractDates(D(start), end is null ? null : D(end));
        var through = D(horizon);

        var plan = terms.Plan(dates, through).Milestones;
        var longer = terms.Plan(dates, new LocalDate(2032, 12, 31)).Milestones.Where(m => m.Date <= through).ToList();

        Assert.Equal(longer, plan);
        Assert.Contains(plan, m => m.Kind == MilestoneKind.PaymentDue || through < D(start).PlusMonths(2));
    }
}
