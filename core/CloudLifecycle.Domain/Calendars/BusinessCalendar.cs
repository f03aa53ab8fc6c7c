using NodaTime;

namespace CloudLifecycle.Core.Calendars;

/// <summary>
/// A provider's business days (営業日): the weekdays it works, less national holidays and its
/// annual closures. Calendars are data: each product names one in its terms.
/// </summary>
public sealed record BusinessCalendar(
    string Name,
    IReadOnlySet<IsoDayOfWeek> ClosedWeekdays,
    bool ClosedOnNationalHolidays,
    IReadOnlyList<AnnualClosure> AnnualClosures)
{
    /// <summary>The longest run of closed days any calendar here has; loops stop beyond it.</summary>
    private const int MaxClosedRun = 31;

    public bool IsBusinessDay(LocalDate date) => ClosureReason(date) is null;

    /// <summary>Why the provider is closed on <paramref name="date"/>, or null on a business day.</summary>
    public string? ClosureReason(LocalDate date)
    {
        if (ClosedWeekdays.Contains(date.DayOfWeek))
        {
            return date.DayOfWeek.ToString();
        }

        if (ClosedOnNationalHolidays && JapaneseHolidays.NameOf(date) is { } holiday)
        {
            return holiday;
        }

        return AnnualClosures.FirstOrDefault(closure => closure.Contains(date))?.Name;
    }

    /// <summary>The business day on or before <paramref name="date"/> (直前の営業日 when it is closed).</summary>
    public LocalDate OnOrBefore(LocalDate date) => Walk(date, -1, includeStart: true);

    /// <summary>The business day on or after <paramref name="date"/>.</summary>
    public LocalDate OnOrAfter(LocalDate date) => Walk(date, +1, includeStart: true);

    /// <summary>
    /// The <paramref name="n"/>th business day of a month (第n営業日), counting the first
    /// business day as 1. Example: the 2nd business day of 2027-01 on the OPTAGE calendar is
    /// 2027-01-05 (1/1–1/3 closed, 1/4 Monday is the 1st).
    /// </summary>
    public LocalDate NthBusinessDayOfMonth(YearMonth month, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var day = OnOrAfter(month.OnDayOfMonth(1));
        for (var i = 1; i < n; i++)
        {
            day = Walk(day, +1, includeStart: false);
        }

        if (day.ToYearMonth() != month)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"{month} has fewer than {n} business days on {Name}");
        }

        return day;
    }

    /// <summary>
    /// The day <paramref name="n"/> business days before <paramref name="date"/> (n営業日前).
    /// Example: 10 business days before Friday 2031-04-25 is Friday 2031-04-11.
    /// </summary>
    public LocalDate BusinessDaysBefore(LocalDate date, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var day = date;
        for (var i = 0; i < n; i++)
        {
            day = Walk(day, -1, includeStart: false);
        }

        return day;
    }

    private LocalDate Walk(LocalDate from, int step, bool includeStart)
    {
        var day = includeStart ? from : from.PlusDays(step);
        for (var i = 0; i <= MaxClosedRun; i++)
        {
            if (IsBusinessDay(day))
            {
                return day;
            }

            day = day.PlusDays(step);
        }

        throw new InvalidOperationException($"calendar {Name} has no business day within {MaxClosedRun} days of {from}");
    }
}
