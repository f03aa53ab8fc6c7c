using CloudLifecycle.Core.Billing;

namespace CloudLifecycle.Core.Tests.Billing;

public class PricingModelsTests
{
    private static readonly Tier[] StandardBands = [new(5, 9_000), new(20, 8_200), new(null, 7_400)];

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 9_000)]
    [InlineData(5, 45_000)]
    [InlineData(6, 53_200)]    // 5 × 9,000 + 1 × 8,200
    [InlineData(20, 168_000)]  // 5 × 9,000 + 15 × 8,200
    [InlineData(21, 175_400)]
    [InlineData(22, 182_800)]
    public void GraduatedTiers_EachBandAtItsPrice(int components, int expected) =>
        Assert.Equal(expected, new GraduatedTiers(StandardBands).Price(components));

    [Theory]
    [InlineData(5, 45_000)]
    [InlineData(6, 49_200)]   // all six at 8,200
    [InlineData(21, 155_400)] // all at 7,400
    public void VolumeTiers_AllUnitsAtTheReachedBand(int components, int expected) =>
        Assert.Equal(expected, new VolumeTiers(StandardBands).Price(components));

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(1, 1, 3_000)]
    [InlineData(29_999, 29_999, 3_000)]
    [InlineData(30_000, 33_000, 3_300)]
    public void FlatBelowThreshold_FlatOnlyBetweenZeroAndTheThreshold(int measured, int chargeable, int expected) =>
        Assert.Equal(expected, new FlatBelowThreshold(30_000, 3_000, new PercentageOf(0.10m)).Price(measured, chargeable));

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
    public void FlatAndPerUnit() =>
        Assert.Equal((10_000m, 1_750m), (new FlatFee(10_000).Price(7), new PerUnit(350).Price(5)));
}
