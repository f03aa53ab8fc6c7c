using CloudLifecycle.Core.Calendars;
using NodaTime;
using NodaTime.Text;

namespace CloudLifecycle.Core.Tests.Calendars;

public class JapaneseHolidaysTests
{
    /// <summary>The Cabinet Office's published holiday lists (国民の祝日・休日), 2019–2027.</summary>
    [Theory]
    [InlineData(2019, "01-01 01-14 02-11 03-21 04-29 04-30 05-01 05-02 05-03 05-04 05-05 05-06 07-15 08-11 08-12 09-16 09-23 10-14 10-22 11-03 11-04 11-23")]
    [InlineData(2020, "01-01 01-13 02-11 02-23 02-24 03-20 04-29 05-03 05-04 05-05 05-06 07-23 07-24 08-10 09-21 09-22 11-03 11-23")]
    [InlineData(2021, "01-01 01-11 02-11 02-23 03-20 04-29 05-03 05-04 05-05 07-22 07-23 08-08 08-09 09-20 09-23 11-03 11-23")]
    [InlineData(2022, "01-01 01-10 02-11 02-23 03-21 04-29 05-03 05-04 05-05 07-18 08-11 09-19 09-23 10-10 11-03 11-23")]
    [InlineData(2023, "01-01 01-02 01-09 02-11 02-23 03-21 04-29 05-03 05-04 05-05 07-17 08-11 09-18 09-23 10-09 11-03 11-23")]
    [InlineData(2024, "01-01 01-08 02-11 02-12 02-23 03-20 04-29 05-03 05-04 05-05 05-06 07-15 08-11 08-12 09-16 09-22 09-23 10-14 11-03 11-04 11-23")]
    [InlineData(2025, "01-01 01-13 02-11 02-23 02-24 03-20 04-29 05-03 05-04 05-05 05-06 07-21 08-11 09-15 09-23 10-13 11-03 11-23 11-24")]
    [InlineData(2026, "01-01 01-12 02-11 02-23 03-20 04-29 05-03 05-04 05-05 05-06 07-20 08-11 09-21 09-22 09-23 10-12 11-03 11-23")]
    [InlineData(2027, "01-01 01-11 02-11 02-23 03-21 03-22 04-29 05-03 05-04 05-05 07-19 08-11 09-20 09-23 10-11 11-03 11-23")]
    public void InYear_MatchesThePublishedList(int year, string monthDays)
    {
        var expected = monthDays.Split(' ').Select(md => LocalDatePattern.Iso.Parse($"{year}-{md}").Value);

        var actual = JapaneseHolidays.InYear(year).Select(h => h.Date);

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("2019-05-01", "天皇の即位の日")]
    [InlineData("2019-04-30", "国民の休日")]
    [InlineData("2019-05-02", "国民の休日")]
    [InlineData("2019-10-22", "即位礼正殿の儀の行われる日")]
    [InlineData("2020-07-24", "スポーツの日")]
    [InlineData("2019-10-14", "体育の日")]
    [InlineData("2026-09-22", "国民の休日")]
    [InlineData("2026-05-06", "振替休日")]
    [InlineData("2009-09-22", "国民の休日")]
    [InlineData("2015-09-22", "国民の休日")]
    [InlineData("2006-05-04", "国民の休日")]
    [InlineData("2006-04-29", "みどりの日")]
    [InlineData("2007-04-29", "昭和の日")]
    [InlineData("2007-05-04", "みどりの日")]
    [InlineData("2008-05-06", "振替休日")]
    [InlineData("2018-12-23", "天皇誕生日")]
    [InlineData("2018-12-24", "振替休日")]
    [InlineData("2002-07-20", "海の日")]
    [InlineData("2003-07-21", "海の日")]
    [InlineData("2002-09-16", "振替休日")]
    [InlineData("2003-09-15", "敬老の日")]
    [InlineData("2012-01-02", "振替休日")]
    [InlineData("2016-08-11", "山の日")]
    [InlineData("2000-01-10", "成人の日")]
    [InlineData("2000-10-09", "体育の日")]
    public void NameOf_KnownDays(string date, string name) =>
        Assert.Equal(name, JapaneseHolidays.NameOf(LocalDatePattern.Iso.Parse(date).Value));

    [Theory]
    [InlineData("2019-12-23")] // no Emperor's birthday in the accession year
    [InlineData("2020-12-23")]
    [InlineData("2015-08-11")] // 山の日 starts in 2016
    [InlineData("2003-05-04")] // a Sunday: before 2007 the sandwich rule skipped Sundays
    [InlineData("2020-07-20")] // 海の日 moved to 7/23 for the Games
    [InlineData("2020-10-12")] // スポーツの日 moved to 7/24
    [InlineData("2021-08-11")] // 山の日 moved to 8/8
    [InlineData("2026-12-29")] // year-end closures are the provider's, not national
    public void IsHoliday_OrdinaryDays_False(string date) =>
        Assert.False(JapaneseHolidays.IsHoliday(LocalDatePattern.Iso.Parse(date).Value));

    [Fact]
    public void EveryYear_HasBothEquinoxesAndNoSundaySubstituteMissing()
    {
        for (var year = JapaneseHolidays.FirstYear; year <= JapaneseHolidays.LastYear; year++)
        {
            var holidays = JapaneseHolidays.InYear(year).ToDictionary(h => h.Date, h => h.Name);
            Assert.Contains("春分の日", holidays.Values);
            Assert.Contains("秋分の日", holidays.Values);
            foreach (var (date, name) in holidays.Where(h => h.Key.DayOfWeek == IsoDayOfWeek.Sunday && h.Value != "振替休日"))
            {
                // Article 3-2: every holiday on a Sunday yields a substitute after it in the same run of days off.
                var next = date.PlusDays(1);
                while (holidays.TryGetValue(next, out var nextName) && nextName != "振替休日")
                {
                    next = next.PlusDays(1);
                }

                Assert.True(holidays.ContainsKey(next) || next.Year != year, $"{date} {name} has no 振替休日");
            }
        }
    }

    [Theory]
    [InlineData(1999)]
    [InlineData(2100)]
    public void InYear_OutsideCoveredYears_Throws(int year) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => JapaneseHolidays.InYear(year));
}
