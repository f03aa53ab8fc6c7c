using System.Text.Json.Nodes;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Lifecycle;

/// <summary>How a contract's stored billing settings reach its invoices.</summary>
public class ContractBillingSettingsTests
{
    [Fact]
    public void ComponentPricing_DefaultsToVolume_AndGraduatedIsKeptFromRegistration()
    {
        var volume = Registered(Neutrix(), "2026-04-01");
        var graduated = Registered(Neutrix() with { Profile = Neutrix().Profile! with { ComponentPricing = ComponentPricing.Graduated } }, "2026-04-01");

        Assert.Equal(462_000, ComponentFee(volume, "2026-10"));     // premium Windows 22 × 21,000
        Assert.Equal(567_000, ComponentFee(graduated, "2026-10"));  // 5 × 30,000 + 15 × 25,000 + 2 × 21,000
    }

    [Fact]
    public void StateStoredBeforeTheSetting_DeserialisesAndBillsVolume()
    {
        var stored = JsonNode.Parse(LifecycleJson.Serialize(Registered(Neutrix(), "2026-04-01")))!.AsObject();
        var profile = stored["profile"]!.AsObject();
        Assert.True(profile.Remove("componentPricing"));          // the shape of a state saved before the field existed
        var oldJson = stored.ToJsonString();
        Assert.DoesNotContain("componentPricing", oldJson, StringComparison.Ordinal);

        var state = LifecycleJson.Deserialize<ContractState>(oldJson);

        Assert.Equal(ComponentPricing.Volume, state.Profile.ComponentPricing);
        Assert.Equal(462_000, ComponentFee(state, "2026-10"));
    }

    [Fact]
    public void ComponentPricing_RoundTripsByName()
    {
        var state = Registered(Neutrix() with { Profile = Neutrix().Profile! with { ComponentPricing = ComponentPricing.Graduated } }, "2026-04-01");

        var json = LifecycleJson.Serialize(state);

        Assert.Contains("\"componentPricing\":\"graduated\"", json, StringComparison.Ordinal);
        Assert.Equal(ComponentPricing.Graduated, LifecycleJson.Deserialize<ContractState>(json).Profile.ComponentPricing);
    }

    [Fact]
    public void NttPlanChangedOnceInAMonth_TheMonthBillsThePlanAfterTheChange()
    {
        // Issue 12 defect 4 through the contract's own plans: advanced on the 1st, entry from 10-15, 3 components.
        var registered = Registered(Ntt() with { Profile = new BillingProfile { Plan = new PlanSelection("advanced", 3) } }, "2026-04-10");
        var changed = LifecycleDecider.Decide(registered, new PlanChanged(D("2026-10-15"), "entry", 3) { EventId = "plan-1" }, D("2026-10-15")).State;

        var october = BillingCatalog.For(ProductCode.NttEastAwsOps).Invoice(BillingInputs.For(changed, YM("2026-10")));

        Assert.Equal(15_000, october.Lines.Single(l => l.Code == "operations").Amount); // 3 × 5,000

        var twice = LifecycleDecider.Decide(changed, new PlanChanged(D("2026-10-20"), "standard", 3) { EventId = "plan-2" }, D("2026-10-20")).State;
        var dearest = BillingCatalog.For(ProductCode.NttEastAwsOps).Invoice(BillingInputs.For(twice, YM("2026-10")));
        Assert.Equal(90_000, dearest.Lines.Single(l => l.Code == "operations").Amount); // advanced, in force on the 1st
    }

    private static long ComponentFee(ContractState state, string month) =>
        BillingCatalog.For(state.Product).Invoice(BillingInputs.For(state, YM(month))).Lines.Single(l => l.Code == "managed-components").Amount;
}
