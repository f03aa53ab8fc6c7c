using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;

namespace CloudLifecycle.Core.Tests.Billing;

public class PricingModelsTests
{
    private static readonly Tier[] StandardBands = [new(5, 9_000), new(20, 8_200), new(null, 7_400)];

    [Theory]
    [InlineData(0, 0, "0")]
    [InlineData(1, 9_000, "1 × 9,000")]
    [InlineData(5, 45_000, "5 × 9,000")]
    [InlineData(6, 53_200, "5 × 9,000 + 1 × 8,200")]
    [InlineData(20, 168_000, "5 × 9,000 + 15 × 8,200")]
    [InlineData(21, 175_400, "5 × 9,000 + 15 × 8,200 + 1 × 7,400")]
    [InlineData(22, 182_800, "5 × 9,000 + 15 × 8,200 + 2 × 7,400")]
    public void GraduatedTiers_EachBandAtItsPrice(int components, int expected, string computation)
    {
        var priced = new GraduatedTiers(StandardBands).Price(components);

        Assert.Equal((expected, computation), (priced.Amount, priced.Computation));
    }

    [Theory]
    [InlineData(1, 9_000, "1 × 9,000", 9_000)]
    [InlineData(5, 45_000, "5 × 9,000", 9_000)]
    [InlineData(6, 49_200, "6 × 8,200", 8_200)]     // all six at 8,200
    [InlineData(20, 164_000, "20 × 8,200", 8_200)]
    [InlineData(21, 155_400, "21 × 7,400", 7_400)]  // all at 7,400
    public void VolumeTiers_AllUnitsAtTheReachedBand(int components, int expected, string computation, int unitPrice)
    {
        var priced = new VolumeTiers(StandardBands).Price(components);

        Assert.Equal((expected, computation, unitPrice), (priced.Amount, priced.Computation, priced.UnitPrice));
    }

    [Fact]
    public void Graduated_UnitPriceOnlyWhenOneBandIsFilled()
    {
        Assert.Equal(9_000m, new GraduatedTiers(StandardBands).Price(3).UnitPrice);
        Assert.Null(new GraduatedTiers(StandardBands).Price(6).UnitPrice);
    }

    [Theory]
    [InlineData(ComponentPricing.Volume, 155_400)]
    [InlineData(ComponentPricing.Graduated, 175_400)]
    public void TieredPricing_ModelChosenFromTheSetting(ComponentPricing pricing, int expected) =>
        Assert.Equal(expected, TieredPricing.For(pricing, StandardBands).Price(21).Amount);

    [Theory]
    [InlineData("volume", ComponentPricing.Volume)]
    [InlineData("graduated", ComponentPricing.Graduated)]
    public void ComponentPricing_ReadByName(string text, ComponentPricing expected) =>
        Assert.Equal(expected, TieredPricing.Parse("componentPricing", text));

    [Fact]
    public void ComponentPricing_UnknownNameRefusedNamingFieldAndClause()
    {
        var refused = Assert.Throws<ContractRuleException>(() => TieredPricing.Parse("componentPricing", "tiered"));

        Assert.Equal(("componentPricing", "別表2"), (refused.Field, refused.Clause));
    }

    [Theory]
    [InlineData(0, 0, 0, "0")]
    [InlineData(1, 1, 3_000, "3,000")]
    [InlineData(29_999, 29_999, 3_000, "3,000")]
    [InlineData(30_000, 33_000, 3_300, "33,000 × 10%")]
    public void FlatBelowThreshold_FlatOnlyBetweenZeroAndTheThreshold(int measured, int chargeable, int expected, string computation)
    {
        var priced = new FlatBelowThreshold(30_000, 3_000, new PercentageOf(0.10m)).Price(measured, chargeable);

        Assert.Equal((expected, computation), (priced.Amount, priced.Computation));
    }

    [Theory]
    [InlineData("12.1", 13, 12)]
    [InlineData("12.0", 12, 12)]
    [InlineData("-12.7", -13, -12)]
    public void RoundingPolicies_ByMagnitude(string amount, long up, long truncate)
    {
        var value = decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(up, RoundingPolicy.Up.Apply(value));
        Assert.Equal(truncate, RoundingPolicy.Truncate.Apply(value));
    }

    [Fact]
    public void FlatAndPerUnit()
    {
        Assert.Equal(10_000m, new FlatFee(10_000).Price(7).Amount);
        Assert.Equal((1_750m, "5 × 350", 350m), (new PerUnit(350).Price(5).Amount, new PerUnit(350).Price(5).Computation, new PerUnit(350).Price(5).UnitPrice));
    }

    [Theory]
    [InlineData("23.99", 0)]
    [InlineData("24", 1)]
    [InlineData("71.5", 2)]
    [InlineData("240", 10)]
    public void OutageWholeDays_OnePerFull24Hours(string hours, int days) =>
        Assert.Equal(days, ServiceOutage.WholeDaysOf(decimal.Parse(hours, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void RoundingRules_CiteTheClauseOrSayPolicy()
    {
        Assert.Equal("§19", RoundingRule.ByClause(RoundingPolicy.Up, "§19").Cite());
        Assert.Equal("policy: truncate", RoundingRule.OurPolicy.Cite());
        Assert.True(RoundingRule.OurPolicy.IsOurPolicy);
    }
}
