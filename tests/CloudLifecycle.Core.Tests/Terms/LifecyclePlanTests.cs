using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using CsCheck;
using NodaTime;

using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Terms;

/// <summary>What every product's plan promises: sorted, deterministic, cited, stable as the horizon grows.</summary>
public class LifecyclePlanTests
{
    private static readonly Gen<(ProductCode Product, ContractDates Contract)> Contracts =
        Gen.Select(Gen.Int[0, ProductCode.All.Count - 1], Generators.Date.Where(d => d.Year <= 2090), Gen.Int[13, 84])
            .Select((index, start, months) =>
            {
                var product = ProductCode.All[index];
                var contract = product == ProductCode.NecExpress5800
                    ? new ContractDates(start, start.PlusMonths(months).PlusDays(-1))
                    : new ContractDates(start);
                return (product, contract);
            });

    [Fact]
    public void Plan_IsSortedDeterministicAndCitesAClauseEverywhere() =>
        Contracts.Sample(c =>
        {
            var terms = ProductCatalog.For(c.Product);
            var plan = terms.Plan(c.Contract);
            var again = terms.Plan(c.Contract);

            Assert.Equal(plan.Milestones, again.Milestones);
            Assert.Equal(plan.Milestones.Order(Milestone.Order), plan.Milestones);
            Assert.All(plan.Milestones, m =>
            {
                Assert.Matches("^(§|別表|別紙)", m.Clause);
                Assert.False(string.IsNullOrWhiteSpace(m.Description.Ja));
                Assert.False(string.IsNullOrWhiteSpace(m.Description.En));
                Assert.InRange(m.Date, c.Contract.Start, plan.Through);
            });
            Assert.Equal(c.Contract.Start, plan.Milestones[0].Date);
        }, iter: 300);

    [Fact]
    public void Plan_ThroughAnEarlierHorizon_IsAPrefixOfTheLaterPlan() =>
        Gen.Select(Contracts, Gen.Int[0, 700], Gen.Int[0, 700]).Sample((c, a, b) =>
        {
            var terms = ProductCatalog.For(c.Product);
            var near = c.Contract.Start.PlusDays(Math.Min(a, b));
            var far = c.Contract.Start.PlusDays(Math.Max(a, b));

            var nearPlan = terms.Plan(c.Contract, near).Milestones;
            var farPlan = terms.Plan(c.Contract, far).Milestones;

            Assert.Equal(nearPlan, farPlan.Where(m => m.Date <= near));
        }, iter: 300);

    [Fact]
    public void Plan_HorizonBeforeStart_IsRefused() =>
        Assert.Equal("through", Assert.Throws<ContractRuleException>(() =>
            ProductCatalog.For(ProductCode.EclectAws).Plan(new ContractDates(D("2026-04-01")), D("2026-03-31"))).Field);

    [Fact]
    public void Plan_EndBeforeStart_IsRefused() =>
        Assert.Equal("end", Assert.Throws<ContractRuleException>(() =>
            ProductCatalog.For(ProductCode.OptageStorage).Plan(new ContractDates(D("2026-04-01"), D("2026-03-31")))).Field);

    [Fact]
    public void Plan_OutsideTheCalendarYears_IsRefused() =>
        Assert.Equal("start", Assert.Throws<ContractRuleException>(() =>
            ProductCatalog.For(ProductCode.NttEastAwsOps).Plan(new ContractDates(D("1999-12-31")))).Field);

    [Fact]
    public void ProductCode_Unknown_IsRefusedListingTheKnownCodes()
    {
        var error = Assert.Throws<ContractRuleException>(() => ProductCode.Parse("aws-direct"));

        Assert.Equal("product", error.Field);
        Assert.Contains("optage-neutrix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_OpenEndedWithoutHorizon_RunsTwoYears() =>
        Assert.Equal(D("2028-04-01"), ProductCatalog.For(ProductCode.OptageStorage).Plan(new ContractDates(D("2026-04-01"))).Through);
}
