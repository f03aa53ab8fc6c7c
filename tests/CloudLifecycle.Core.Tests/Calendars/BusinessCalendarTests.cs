using CloudLifecycle.Core.Calendars;
using NodaTime;

using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Calendars;

public class BusinessCalendarTests
{
    [Theory]
    [InlineData("2026-11-24", true)]  // Tuesday
    [InlineData("2026-11-23", false)] // 勤労感謝の日
    [InlineData("2026-11-28", false)] // Saturday
    [InlineData("2026-12-28", true)]  // last working day of the year
    [InlineData("2026-12-29", false)] // 年末年始
    [InlineData("2026-12-31", false)]
    [InlineData("2027-01-04", true)]
    [InlineData("2026-05-01", true)]  // May 1 is a working day for most providers
    public void JapaneseProvider_IsBusinessDay(string date, bool expected) =>
        Assert.Equal(expected, BusinessCalendars.JapaneseProvider.IsBusinessDay(D(date)));

    [Theory]
    [InlineData("2026-05-01", false)] // OPTAGE closes on May 1 (別表1 1.3)
    [InlineData("2027-01-03", false)]
    [InlineData("2026-05-07", true)]
    public void Optage_IsBusinessDay(string date, bool expected) =>
        Assert.Equal(expected, BusinessCalendars.Optage.IsBusinessDay(D(date)));

    [Theory]
    [InlineData("optage", "2027-01", 1, "2027-01-04")]
    [InlineData("optage", "2027-01", 2, "2027-01-05")]
    [InlineData("optage", "2026-05", 1, "2026-05-07")]
    [InlineData("optage", "2026-05", 2, "2026-05-08")]
    [InlineData("jp-provider", "2026-05", 2, "2026-05-07")]
    [InlineData("jp-provider", "2026-05", 10, "2026-05-19")]
    public void NthBusinessDayOfMonth(string calendar, string month, int n, string expected)
    {
        var cal = calendar == "optage" ? BusinessCalendars.Optage : BusinessCalendars.JapaneseProvider;
        var ym = YM(month);

        Assert.Equal(D(expected), cal.NthBusinessDayOfMonth(ym, n));
    }

    [Theory]
    [InlineData("2031-04-25", 10, "2031-04-11")]
    [InlineData("2031-04-30", 10, "2031-04-15")] // skips 4/29 昭和の日
    [InlineData("2026-12-28", 10, "2026-12-14")]
    [InlineData("2027-01-08", 5, "2026-12-28")]  // skips the year-end closure
    public void BusinessDaysBefore(string date, int n, string expected) =>
        Assert.Equal(D(expected), BusinessCalendars.JapaneseProvider.BusinessDaysBefore(D(date), n));

    [Theory]
    [InlineData("2027-01-03", "2026-12-28")]
    [InlineData("2026-11-23", "2026-11-20")]
    [InlineData("2026-11-24", "2026-11-24")]
    public void OnOrBefore(string date, string expected) =>
        Assert.Equal(D(expected), BusinessCalendars.Optage.OnOrBefore(D(date)));
}
