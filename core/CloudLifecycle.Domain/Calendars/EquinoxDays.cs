using System.Collections.Frozen;
using NodaTime;

namespace CloudLifecycle.Core.Calendars;

/// <summary>
/// 春分の日 and 秋分の日. The law names them only as "the vernal / autumnal equinox day"; the
/// National Astronomical Observatory announces each year's dates in the official gazette every
/// February for the following year. Announced years come from <see cref="Announced"/>; later
/// years use the standard approximation, valid for 1980–2099.
/// </summary>
public static class EquinoxDays
{
    /// <summary>The dates announced in the official gazette (暦要項), 2000 through 2027: (vernal day in March, autumnal day in September).</summary>
    private static readonly FrozenDictionary<int, (int Vernal, int Autumnal)> Announced =
        new Dictionary<int, (int Vernal, int Autumnal)>
        {
            [2000] = (20, 23), [2001] = (20, 23), [2002] = (21, 23), [2003] = (21, 23),
            [2004] = (20, 23), [2005] = (20, 23), [2006] = (21, 23), [2007] = (21, 23),
            [2008] = (20, 23), [2009] = (20, 23), [2010] = (21, 23), [2011] = (21, 23),
            [2012] = (20, 22), [2013] = (20, 23), [2014] = (21, 23), [2015] = (21, 23),
            [2016] = (20, 22), [2017] = (20, 23), [2018] = (21, 23), [2019] = (21, 23),
            [2020] = (20, 22), [2021] = (20, 23), [2022] = (21, 23), [2023] = (21, 23),
            [2024] = (20, 22), [2025] = (20, 23), [2026] = (20, 23), [2027] = (21, 23),
        }.ToFrozenDictionary();

    /// <summary>The last year whose equinox dates have been announced officially.</summary>
    public const int LastAnnouncedYear = 2027;

    public static LocalDate Vernal(int year) =>
        new(year, 3, Announced.TryGetValue(year, out var days) ? days.Vernal : ApproximateVernalDay(year));

    public static LocalDate Autumnal(int year) =>
        new(year, 9, Announced.TryGetValue(year, out var days) ? days.Autumnal : ApproximateAutumnalDay(year));

    /// <summary>The standard approximation: floor(20.8431 + 0.242194 (y − 1980) − floor((y − 1980) / 4)).</summary>
    internal static int ApproximateVernalDay(int year) => Approximate(20.8431m, year);

    /// <summary>The standard approximation: floor(23.2488 + 0.242194 (y − 1980) − floor((y − 1980) / 4)).</summary>
    internal static int ApproximateAutumnalDay(int year) => Approximate(23.2488m, year);

    private static int Approximate(decimal constant, int year)
    {
        if (year < 1980 || year > 2099)
        {
            throw new ArgumentOutOfRangeException(nameof(year), year, "the equinox approximation holds for 1980–2099");
        }

        var offset = year - 1980;
        return (int)decimal.Floor(constant + 0.242194m * offset - offset / 4);
    }
}
