using NodaTime;

namespace CloudLifecycle.Core.Time;

/// <summary>Small named date adjusters used by several contracts.</summary>
public static class Dates
{
    public static LocalDate EndOfMonth(this YearMonth month) =>
        month.OnDayOfMonth(month.Calendar.GetDaysInMonth(month.Year, month.Month));

    public static LocalDate EndOfMonth(this LocalDate date) => date.ToYearMonth().EndOfMonth();

    public static LocalDate FirstOfMonth(this YearMonth month) => month.OnDayOfMonth(1);

    /// <summary>Every month from <paramref name="first"/> through <paramref name="last"/>, inclusive.</summary>
    public static IEnumerable<YearMonth> MonthsThrough(this YearMonth first, YearMonth last)
    {
        for (var month = first; month.CompareTo(last) <= 0; month = month.PlusMonths(1))
        {
            yield return month;
        }
    }
}
