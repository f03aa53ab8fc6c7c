using NodaTime;

namespace CloudLifecycle.Core.Time;

/// <summary>
/// Periods counted as the Civil Code counts them (民法 §140–§143): a period of months or years
/// ends on the day before the day that corresponds to its first day; when that month has no
/// such day, it ends on the last day of that month.
/// </summary>
public static class CivilPeriod
{
    /// <summary>
    /// The last day of a period of <paramref name="months"/> months whose first day is
    /// <paramref name="firstDay"/>. Examples: 2026-04-01 + 12 months ends 2027-03-31;
    /// 2026-01-31 + 1 month ends 2026-02-28 (February has no 31st, so its last day);
    /// 2024-02-29 + 12 months ends 2025-02-28.
    /// </summary>
    public static LocalDate LastDayOfMonths(LocalDate firstDay, int months)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 1);
        var target = firstDay.ToYearMonth().PlusMonths(months);
        var daysInTarget = target.Calendar.GetDaysInMonth(target.Year, target.Month);
        return firstDay.Day <= daysInTarget
            ? target.OnDayOfMonth(firstDay.Day).PlusDays(-1)
            : target.OnDayOfMonth(daysInTarget);
    }

    /// <summary>The last day of a period of <paramref name="years"/> years from <paramref name="firstDay"/>.</summary>
    public static LocalDate LastDayOfYears(LocalDate firstDay, int years) => LastDayOfMonths(firstDay, checked(years * 12));

    /// <summary>
    /// The last day on which notice still leaves a full period of <paramref name="months"/> months
    /// before <paramref name="end"/>: the period starts the next day (the notice day itself is not
    /// counted, §140) and must end on or before <paramref name="end"/>. This is how we read
    /// "n か月前までに". Examples (1 month): end 2027-03-31 → 2027-02-28; end 2027-04-30 →
    /// 2027-03-31 (April remains whole); end 2027-02-28 → 2027-01-31; end 2027-03-30 → 2027-02-27
    /// (from 02-28, March 1–30 is less than a month). 13 months before 2031-03-31 → 2030-02-28.
    /// </summary>
    public static LocalDate LatestDayLeaving(int months, LocalDate end)
    {
        // The answer is at most three days after end − n months (the case of a February end).
        var day = end.PlusMonths(-months).PlusDays(3);
        while (LastDayOfMonths(day.PlusDays(1), months) > end)
        {
            day = day.PlusDays(-1);
        }

        return day;
    }

    /// <summary>
    /// The last day of a period of <paramref name="days"/> days that follows an event on
    /// <paramref name="eventDay"/>: the event's day is not counted (初日不算入, 民法 §140), so the period
    /// runs from the next day and ends with the day <paramref name="days"/> later (§141). Example: a
    /// notice on 2026-12-28 and 「7日を経過しても」 → the 7 days are 12-29 … 2027-01-04.
    /// </summary>
    public static LocalDate LastDayOfDays(LocalDate eventDay, int days)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        return eventDay.PlusDays(days);
    }

    /// <summary>
    /// The first day after a period of <paramref name="days"/> days that follows an event
    /// (「n日を経過した」 / 「n日を経過しても」): the day after <see cref="LastDayOfDays"/>. Example:
    /// 2026-12-28 and 7 days → 2027-01-05.
    /// </summary>
    public static LocalDate DayAfterDays(LocalDate eventDay, int days) => LastDayOfDays(eventDay, days).PlusDays(1);

    /// <summary>
    /// The last day of a period of <paramref name="months"/> months that follows an event on
    /// <paramref name="eventDay"/> (the event's day not counted). Example: notice 2026-11-30, 3 months →
    /// 2026-12-01 … 2027-02-28.
    /// </summary>
    public static LocalDate LastDayOfMonthsAfter(LocalDate eventDay, int months) => LastDayOfMonths(eventDay.PlusDays(1), months);

    /// <summary>
    /// The last day of a period of <paramref name="years"/> years that follows an event on
    /// <paramref name="eventDay"/> (「終了後3年間」: the period starts the next day). Example: a contract
    /// ending 2029-02-28 → 2029-03-01 … 2032-02-29.
    /// </summary>
    public static LocalDate LastDayOfYearsAfter(LocalDate eventDay, int years) => LastDayOfYears(eventDay.PlusDays(1), years);

    /// <summary>True when less than one full month lies between <paramref name="from"/> (exclusive) and <paramref name="to"/> (inclusive).</summary>
    public static bool LessThanOneMonth(LocalDate from, LocalDate to) => LastDayOfMonths(from.PlusDays(1), 1) > to;

    /// <summary>Whole calendar months from <paramref name="after"/> (exclusive) through <paramref name="through"/> (inclusive); 0 when none.</summary>
    public static int MonthsAfterThrough(YearMonth after, YearMonth through)
    {
        var months = (through.Year - after.Year) * 12 + through.Month - after.Month;
        return Math.Max(0, months);
    }
}
