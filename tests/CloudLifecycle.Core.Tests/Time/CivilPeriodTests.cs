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

    /// <summary>初日不算入 (民法 §140): 「n日を経過しても」 after an event — the n days start the next day; the consequence follows the last.</summary>
    [Theory]
    [InlineData("2026-12-28", 7, "2027-01-04", "2027-01-05")] // the eclect-aws §28-1(2) example
    [InlineData("2026-11-10", 30, "2026-12-10", "2026-12-11")]
    [InlineData("2028-02-25", 7, "2028-03-03", "2028-03-04")]
    public void DaysAfterAnEvent(string eventDay, int days, string lastDay, string dayAfter)
    {
        Assert.Equal(D(lastDay), CivilPeriod.LastDayOfDays(D(eventDay), days));
        Assert.Equal(D(dayAfter), CivilPeriod.DayAfterDays(D(eventDay), days));
    }

    [Theory]
    [InlineData("2029-02-28", 3, "2032-02-29")] // 「終了後3年間」 starts 2029-03-01
    [InlineData("2028-02-28", 3, "2031-02-28")] // starts 2028-02-29: no 2031-02-29, so the month's last day
    [InlineData("2031-04-30", 3, "2034-04-30")]
    public void LastDayOfYearsAfter(string eventDay, int years, string expected) =>
        Assert.Equal(D(expected), CivilPeriod.LastDayOfYearsAfter(D(eventDay), years));

    [Theory]
    [InlineData("2026-11-30", 3, "2027-02-28")]
    [InlineData("2026-11-29", 3, "2027-02-28")] // 11-30 + 3 months: no Feb 30th
    [InlineData("2026-11-15", 3, "2027-02-15")]
    public void LastDayOfMonthsAfter(string eventDay, int months, string expected) =>
        Assert.Equal(D(expected), CivilPeriod.LastDayOfMonthsAfter(D(eventDay), months));

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
