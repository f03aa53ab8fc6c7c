using NodaTime;

namespace CloudLifecycle.Core.Calendars;

/// <summary>The providers' business calendars, as data (terms.md, "Calendars").</summary>
public static class BusinessCalendars
{
    private static readonly IReadOnlySet<IsoDayOfWeek> Weekend =
        new HashSet<IsoDayOfWeek> { IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday };

    private static readonly AnnualClosure YearEnd = new("年末年始", new AnnualDate(12, 29), new AnnualDate(1, 3));

    /// <summary>Monday–Friday, not a national holiday, not 12/29–1/3: the usual Japanese provider.</summary>
    public static readonly BusinessCalendar JapaneseProvider =
        new("jp-provider", Weekend, ClosedOnNationalHolidays: true, [YearEnd]);

    /// <summary>
    /// OPTAGE also closes on May 1: its support desk answers on weekdays except 年末年始 and
    /// 5月1日 (別表1 1.3 of both OPTAGE terms).
    /// </summary>
    public static readonly BusinessCalendar Optage =
        new("optage", Weekend, ClosedOnNationalHolidays: true,
            [YearEnd, new AnnualClosure("5月1日", new AnnualDate(5, 1), new AnnualDate(5, 1))]);
}
