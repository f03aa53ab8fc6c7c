using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Lifecycle.Decider;

/// <summary>
/// A usage is checked against the contract's product when it is posted: a figure the product's invoice is computed
/// from must be there (nec-express5800 §4-4 unit price × quantity; eclect-aws §13-1(1) the AWS usage, in dollars at the
/// §15 rate or in yen), or the month's run would refuse the contract weeks later.
/// </summary>
public class UsageValidationTests
{
    public static TheoryData<string, MonthUsage, string, string> Refused() => new()
    {
        { "nec-express5800", new MonthUsage(YM("2026-05")), "usage.quantity", "§4-4" },
        { "nec-express5800", new MonthUsage(YM("2026-05"), AwsUsageUsd: 10m, FxRate: 150m), "usage.quantity", "§4-4" },
        { "eclect-aws", new MonthUsage(YM("2026-05")), "usage.awsUsageUsd", "§13-1(1)" },
        { "eclect-aws", new MonthUsage(YM("2026-05"), AwsUsageUsd: 10m), "usage.fxRate", "§15" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void UsageWithoutTheFiguresItsInvoiceNeeds_IsRefusedNamingFieldAndClause_AndChangesNothing(string product, MonthUsage usage, string field, string clause)
    {
        var state = Registered(product == "nec-express5800" ? Nec() : Eclect(), "2026-04-01");

        var refusal = Assert.Throws<ContractRuleException>(() => LifecycleDecider.Decide(state, new UsageRecorded(usage), D("2026-05-31")));

        Assert.Equal((field, clause), (refusal.Field, refusal.Clause));
        Assert.Empty(state.Usage);
    }

    [Theory]
    [InlineData("nec-express5800", null, null, null, "350")]
    [InlineData("eclect-aws", "1200.50", "151.2", null, null)]
    [InlineData("eclect-aws", null, null, "180000", null)]
    public void UsageWithItsFigures_IsRecorded(string product, string? usd, string? rate, string? jpy, string? quantity)
    {
        var state = Registered(product == "nec-express5800" ? Nec() : Eclect(), "2026-04-01");
        static decimal? Dec(string? s) => s is null ? null : decimal.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        var usage = new MonthUsage(YM("2026-05"), Dec(usd), Dec(rate), Dec(jpy), Dec(quantity));

        var after = LifecycleDecider.Decide(state, new UsageRecorded(usage), D("2026-05-31")).State;

        Assert.Equal(usage, Assert.Single(after.Usage));
    }
}
