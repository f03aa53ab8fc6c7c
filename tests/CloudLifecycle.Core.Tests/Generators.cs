using CsCheck;
using NodaTime;

namespace CloudLifecycle.Core.Tests;

/// <summary>Random dates for property tests, inside the years the calendars cover.</summary>
internal static class Generators
{
    public const long Iterations = 5_000;

    private static readonly LocalDate First = new(2001, 1, 1);

    /// <summary>A date from 2001-01-01 through 2095-12-31: the supported contract years, leaving room for deadlines after it.</summary>
    public static readonly Gen<LocalDate> Date = Gen.Int[0, Period.Between(First, new LocalDate(2095, 12, 31), PeriodUnits.Days).Days]
        .Select(days => First.PlusDays(days));

    /// <summary>A 20th of some month in the same range.</summary>
    public static readonly Gen<LocalDate> Twentieth = Date.Select(d => new LocalDate(d.Year, d.Month, 20));

    public static Gen<int> Days(int max) => Gen.Int[0, max];
}

/// <summary>ISO date literals in tests: <c>D("2026-04-01")</c>.</summary>
internal static class IsoDates
{
    public static LocalDate D(string iso) => NodaTime.Text.LocalDatePattern.Iso.Parse(iso).Value;

    public static YearMonth YM(string iso) => NodaTime.Text.YearMonthPattern.Iso.Parse(iso).Value;
}
