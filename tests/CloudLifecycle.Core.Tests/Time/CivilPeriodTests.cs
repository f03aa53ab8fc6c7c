using CloudLifecycle.Core.Time;
using CsCheck;
using NodaTime;

using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Time;

public class CivilPeriodTests
{
    [Theory]
    [InlineData("2026-04-01", 12, "2027-03-31")]
    [InlineData("2026-04-15", 12, "2027-04-14")]
    [InlineData("2026-01-31", 1, "2026-02-28")] // no Feb 31st: the last day of February
    [InlineData("2028-01-31", 1, "2028-02-29")]
    [InlineData("2024-02-29", 12, "2025-02-28")]
    [InlineData("2026-12-01", 1, "2026-12-31")]  // year wrap
    [InlineData("2026-12-15", 1, "2027-01-14")]
    public void LastDayOfMonths(string first, int months, string expected) =>
        Assert.Equal(D(expected), CivilPeriod.LastDayOfMonths(D(first), months));

    [Theory]
    [InlineData(1, "2027-03-31", "2027-02-28")]
    [InlineData(1, "2028-03-31", "2028-02-29")]
    [InlineData(1, "2027-04-30", "2027-03-31")]
    [InlineData(1, "2027-02-28", "2027-01-31")]
    [InlineData(1, "2027-03-30", "2027-02-27")]
    [InlineData(1, "2027-04-14", "2027-03-14")]
    [InlineData(13, "2031-03-31", "2030-02-28")]
    [InlineData(13, "2031-04-30", "2030-03-31")]
    public void LatestDayLeaving(int months, string end, string expected) =>
        Assert.Equal(D(expected), CivilPeriod.LatestDayLeaving(months, D(end)));

    [Fact]
    public void LatestDayLeaving_IsTheLastDayThatLeavesAFullPeriod() =>
        Gen.Select(Generators.Date, Gen.Int[1, 24]).Sample((end, months) =>
        {
            var latest = CivilPeriod.LatestDayLeaving(months, end);
            Assert.True(CivilPeriod.LastDayOfMonths(latest.PlusDays(1), months) <= end);
            Assert.True(CivilPeriod.LastDayOfMonths(latest.PlusDays(2), months) > end);
        }, iter: Generators.Iterations);

    [Theory]
    [InlineData("2026-06-20", "2026-07-20", false)] // exactly one month
    [InlineData("2026-06-21", "2026-07-20", true)]
    [InlineData("2026-01-31", "2026-02-28", false)]
    [InlineData("2026-02-01", "2026-02-28", true)]
    public void LessThanOneMonth(string from, string to, bool expected) =>
        Assert.Equal(expected, CivilPeriod.LessThanOneMonth(D(from), D(to)));

    [Theory]
    [InlineData("2027-03", "2031-03", 48)]
    [InlineData("2031-03", "2031-03", 0)]
    [InlineData("2031-04", "2031-03", 0)]
    [InlineData("2026-10", "2027-03", 5)]
    public void MonthsAfterThrough(string after, string through, int expected) =>
        Assert.Equal(expected, CivilPeriod.MonthsAfterThrough(YM(after), YM(through)));
}
