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

    /// <summary>True when less than one full month lies between <paramref name="from"/> (exclusive) and <paramref name="to"/> (inclusive).</summary>
    public static bool LessThanOneMonth(LocalDate from, LocalDate to) => LastDayOfMonths(from.PlusDays(1), 1) > to;

    /// <summary>Whole calendar months from <paramref name="after"/> (exclusive) through <paramref name="through"/> (inclusive); 0 when none.</summary>
    public static int MonthsAfterThrough(YearMonth after, YearMonth through)
    {
        var months = (through.Year - after.Year) * 12 + through.Month - after.Month;
        return Math.Max(0, months);
    }
}
