using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Core.Tests.Application;
using CsCheck;
using Bills = CloudLifecycle.Core.Tests.Billing.BillingFixtures;
using NodaTime;
using NodaTime.Testing;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Contracts;

/// <summary>
/// Issue 13 §5: every amount has documented bounds. A figure outside them is refused naming its field
/// wherever it enters (registration, an event, a round), and every figure inside them invoices without
/// overflow, far below the 64-bit total.
/// </summary>
public class AmountBoundsTests
{
    /// <summary>The largest total the bounds allow must stay below this (a long holds 9.2 × 10^18).</summary>
    private const long InvoiceCeiling = 1_000_000_000_000_000_000;

    public static TheoryData<string, decimal, string> JustOutside => new()
    {
        { nameof(AmountBounds.UsdAmount), 10_000_000_000.01m, "awsUsageUsd" },
        { nameof(AmountBounds.UsdAmount), -0.01m, "awsUsageUsd" },
        { nameof(AmountBounds.FxRate), 0m, "fxRate" },
        { nameof(AmountBounds.FxRate), 10_000.0001m, "fxRate" },
        { nameof(AmountBounds.YenAmount), 1_000_000_000_001m, "awsUsageJpy" },
        { nameof(AmountBounds.YenAmount), 1_000_000_000_001m, "resourceFee" },
        { nameof(AmountBounds.Quantity), 1_000_000_001m, "quantity" },
        { nameof(AmountBounds.UnitPrice), 100_000_001m, "unitPrice" },
        { nameof(AmountBounds.YenAmount), decimal.MaxValue, "baseFee" },
        { nameof(AmountBounds.Components), 10_001m, "components" },
        { nameof(AmountBounds.OutageHours), 744.5m, "outage.hours" },
    };

    [Theory]
    [MemberData(nameof(JustOutside))]
    public void AFigureJustOutsideItsBound_IsRefusedNamingTheField(string bound, decimal value, string field)
    {
        var input = Bills.Nec() with { ResourceFee = 0m, AwsUsageUsd = 1m, FxRate = 150m, AwsUsageJpy = 1m, Components = 1 };
        input = field switch
        {
            "awsUsageUsd" => input with { AwsUsageUsd = value },
            "fxRate" => input with { FxRate = value },
            "awsUsageJpy" => input with { AwsUsageJpy = value },
            "resourceFee" => input with { ResourceFee = value },
            "quantity" => input with { Quantity = value },
            "unitPrice" => input with { UnitPrice = value },
            "baseFee" => input with { BaseFee = value },
            "components" => input with { Components = (int)value },
            "outage.hours" => input with { Outage = new ServiceOutage(value) },
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
        };

        var refused = Assert.Throws<ContractRuleException>(() => AmountBounds.Check(input));

        Assert.Equal(field, refused.Field);
        Assert.Contains(AmountBounds.All.Single(b => b.Name == bound).Bound.Range, refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_WithABaseFeeOfDecimalMax_IsRefusedNamingBaseFee_NotAnOverflow()
    {
        var registration = Nec() with { Profile = new BillingProfile { BaseFee = decimal.MaxValue, UnitPrice = 180m } };

        var refused = Assert.Throws<ContractRuleException>(() => registration.ToState());

        Assert.Equal("baseFee", refused.Field);
    }

    [Fact]
    public async Task UsageOutsideItsBound_IsRefusedBeforeItIsStored()
    {
        var stores = InMemoryStores.Create();
        var workflow = new ContractWorkflow(stores, new FakeClock(Tokyo.WakeInstant(D("2026-10-31"))));
        await workflow.RegisterAsync(Eclect("C-1", "2026-04-01"));
        var before = (await stores.Contracts.GetAsync("C-1"))!.State;

        var refused = await Assert.ThrowsAsync<ContractRuleException>(() =>
            workflow.RaiseAsync("C-1", new UsageRecorded(new MonthUsage(YM("2026-10"), AwsUsageUsd: decimal.MaxValue, FxRate: 150m))));

        Assert.Equal("usage.awsUsageUsd", refused.Field);
        var after = (await stores.Contracts.GetAsync("C-1"))!.State;
        Assert.Equal(before.Version, after.Version);
        Assert.Empty(after.Usage);
        Assert.Null(await stores.Usage.GetAsync("C-1", YM("2026-10")));
    }

    [Fact]
    public async Task AnEventOutsideItsBound_ThatReachesTheRoundDirectly_IsRecordedAsRefused_NotStored()
    {
        // An event the what-if never saw (raised again by the reconciler, or by a caller that skipped it) reaches the round.
        var clock = new FakeClock(Tokyo.WakeInstant(D("2026-10-31")));
        var stores = InMemoryStores.Create();
        var runtime = new DurableRuntimeDouble(new ContractActivities(stores, clock), clock);
        var events = new OrchestratedContractEvents(stores, runtime, clock);
        await events.RegisterAsync(Eclect("C-1", "2026-04-01"));

        await runtime.RaiseEventAsync(Orchestrations.ContractInstance("C-1"), new OutageReported(new OutageRecord(YM("2026-10"), 1_000_000m, false, null, null)) { EventId = "crm/outage-1" });
        await runtime.RunRoundsAsync();

        var state = (await stores.Contracts.GetAsync("C-1"))!.State;
        Assert.Empty(state.Outages);
        Assert.Contains(await stores.History.ListAsync("C-1"), h => h.Kind == "EventRefused" && h.Description.En.Contains("outage.hours", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryFigureInsideTheBounds_InvoicesWithoutOverflow_BelowTheCeiling()
    {
        // The bounds' corners are where an overflow would be: each figure is its bound's maximum half of the time.
        static Gen<decimal> Upto(AmountBound bound) => Gen.Frequency((1, Gen.Const(bound.Maximum)), (1, Gen.Decimal[bound.MinimumExcluded ? 0.0001m : bound.Minimum, bound.Maximum]));
        var inputs = Gen.OneOf(
            Gen.Select(Upto(AmountBounds.UsdAmount), Upto(AmountBounds.FxRate))
                .Select((usd, fx) => Bills.Eclect(usd: decimal.Round(usd, 2), fx: decimal.Round(fx, 4))),
            Upto(AmountBounds.YenAmount).Select(jpy => Bills.Eclect(usd: null, fx: null) with { AwsUsageJpy = decimal.Round(jpy, 0) }),
            Gen.Select(Upto(AmountBounds.YenAmount), Upto(AmountBounds.UnitPrice), Upto(AmountBounds.Quantity))
                .Select((baseFee, price, quantity) => Bills.Nec() with { BaseFee = decimal.Round(baseFee, 0), UnitPrice = decimal.Round(price, 0), Quantity = decimal.Round(quantity, 3) }),
            Gen.Select(Gen.Int[1, (int)AmountBounds.Components.Maximum], Upto(AmountBounds.OutageHours))
                .Select((components, hours) => Bills.Ntt() with { Plan = "advanced", Components = components, Outage = new ServiceOutage(hours, GrossNegligence: true) }),
            Gen.Select(Gen.Int[1, (int)AmountBounds.Components.Maximum], Upto(AmountBounds.YenAmount), Gen.Int[0, (int)AmountBounds.Components.Maximum])
                .Select((components, resourceFee, relaxed) => Bills.Optage(plan: "premium", components: components) with
                {
                    Windows = true, ResourceFee = decimal.Round(resourceFee, 0), MetricRelaxationComponents = relaxed, AddedComponents = components,
                }));

        inputs.Sample(input =>
        {
            AmountBounds.Check(input);
            var invoice = BillingCatalog.For(input.Product).Invoice(input);
            Assert.InRange(invoice.Total, 0, InvoiceCeiling);
        }, iter: 2_000);
    }
}
