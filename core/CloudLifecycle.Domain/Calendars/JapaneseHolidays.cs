using System.Collections.Frozen;
using NodaTime;

namespace CloudLifecycle.Core.Calendars;

/// <summary>
/// Japanese national holidays (国民の祝日に関する法律, "the Holiday Act") for 2000–2099:
/// the statutory days of Article 2, 振替休日 and 国民の休日 of Article 3, and the one-off
/// changes made by separate laws in 2019 (the accession), 2020 and 2021 (the Tokyo Games).
/// A wrong holiday moves a legal deadline, so every rule cites the provision it comes from.
/// </summary>
public static class JapaneseHolidays
{
    public const int FirstYear = 2000;
    public const int LastYear = 2099;

    /// <summary>
    /// The last day the calendar covers (31 December of <see cref="LastYear"/>): no plan, horizon or
    /// business-day reckoning may reach past it. The terms cap horizons here, the decider its look-ahead.
    /// </summary>
    public static readonly LocalDate LastCoveredDay = new(LastYear, 12, 31);

    /// <summary>The Act's 2005 amendment (effective 2007) changed 振替休日 and 国民の休日.</summary>
    private const int Amendment2007 = 2007;

    private static readonly Lazy<FrozenDictionary<LocalDate, string>> All = new(BuildAll);

    /// <summary>Every holiday of <paramref name="year"/>, in date order.</summary>
    public static IReadOnlyList<Holiday> InYear(int year)
    {
        EnsureCovered(year, nameof(year));
        return ForYear(year).OrderBy(pair => pair.Key).Select(pair => new Holiday(pair.Key, pair.Value)).ToList();
    }

    public static bool IsHoliday(LocalDate date)
    {
        EnsureCovered(date.Year, nameof(date));
        return All.Value.ContainsKey(date);
    }

    public static string? NameOf(LocalDate date)
    {
        EnsureCovered(date.Year, nameof(date));
        return All.Value.GetValueOrDefault(date);
    }

    public static bool Covers(int year) => year is >= FirstYear and <= LastYear;

    private static void EnsureCovered(int year, string parameter)
    {
        if (!Covers(year))
        {
            throw new ArgumentOutOfRangeException(parameter, year,
                $"Japanese holidays are computed for {FirstYear}–{LastYear} only");
        }
    }

    private static FrozenDictionary<LocalDate, string> BuildAll()
    {
        var all = new Dictionary<LocalDate, string>();
        for (var year = FirstYear; year <= LastYear; year++)
        {
            foreach (var (date, name) in ForYear(year))
            {
                all[date] = name;
            }
        }

        return all.ToFrozenDictionary();
    }

    private static Dictionary<LocalDate, string> ForYear(int year)
    {
        var holidays = StatutoryHolidays(year).ToDictionary(h => h.Date, h => h.Name);
        var statutory = holidays.Keys.ToHashSet();
        AddSubstituteHolidays(year, statutory, holidays);
        AddSandwichedDays(year, statutory, holidays);
        return holidays;
    }

    /// <summary>The "national holidays" proper (国民の祝日): Article 2 and the one-off laws.</summary>
    private static IEnumerable<Holiday> StatutoryHolidays(int year)
    {
        yield return new(new LocalDate(year, 1, 1), "元日");
        // Happy Monday law (1998 amendment, from 2000): second Monday of January.
        yield return new(NthMonday(year, 1, 2), "成人の日");
        yield return new(new LocalDate(year, 2, 11), "建国記念の日");
        // The Emperor's birthday: 12/23 until 2018, none in 2019 (the accession year), 2/23 from 2020.
        if (year >= 2020)
        {
            yield return new(new LocalDate(year, 2, 23), "天皇誕生日");
        }

        yield return new(EquinoxDays.Vernal(year), "春分の日");
        // 2005 amendment (from 2007): 4/29 became 昭和の日 and みどりの日 moved to 5/4.
        yield return new(new LocalDate(year, 4, 29), year >= Amendment2007 ? "昭和の日" : "みどりの日");
        yield return new(new LocalDate(year, 5, 3), "憲法記念日");
        if (year >= Amendment2007)
        {
            yield return new(new LocalDate(year, 5, 4), "みどりの日");
        }

        yield return new(new LocalDate(year, 5, 5), "こどもの日");
        yield return new(MarineDay(year), "海の日");
        if (year >= 2016)
        {
            yield return new(MountainDay(year), "山の日");
        }

        // Happy Monday law (2001 amendment, from 2003): third Monday of September; 9/15 before.
        yield return new(year >= 2003 ? NthMonday(year, 9, 3) : new LocalDate(year, 9, 15), "敬老の日");
        yield return new(EquinoxDays.Autumnal(year), "秋分の日");
        yield return new(SportsDay(year), year >= 2020 ? "スポーツの日" : "体育の日");
        yield return new(new LocalDate(year, 11, 3), "文化の日");
        yield return new(new LocalDate(year, 11, 23), "勤労感謝の日");
        if (year <= 2018)
        {
            yield return new(new LocalDate(year, 12, 23), "天皇誕生日");
        }

        if (year == 2019)
        {
            // 天皇の即位の日及び即位礼正殿の儀の行われる日を休日とする法律 (2018): both days are
            // treated as national holidays, so 4/30 and 5/2 become 国民の休日 (Article 3-3).
            yield return new(new LocalDate(2019, 5, 1), "天皇の即位の日");
            yield return new(new LocalDate(2019, 10, 22), "即位礼正殿の儀の行われる日");
        }
    }

    /// <summary>海の日: 7/20 until 2002, third Monday of July from 2003; moved for the Tokyo Games in 2020 and 2021.</summary>
    private static LocalDate MarineDay(int year) => year switch
    {
        2020 => new LocalDate(2020, 7, 23), // 平成32年東京オリンピック特別措置法 (2018 amendment)
        2021 => new LocalDate(2021, 7, 22), // same law, 2020 amendment (the Games postponed)
        >= 2003 => NthMonday(year, 7, 3),
        _ => new LocalDate(year, 7, 20),
    };

    /// <summary>山の日: 8/11 from 2016; moved for the Tokyo Games in 2020 and 2021.</summary>
    private static LocalDate MountainDay(int year) => year switch
    {
        2020 => new LocalDate(2020, 8, 10),
        2021 => new LocalDate(2021, 8, 8),
        _ => new LocalDate(year, 8, 11),
    };

    /// <summary>体育の日 / スポーツの日 (renamed from 2020): second Monday of October; moved in 2020 and 2021.</summary>
    private static LocalDate SportsDay(int year) => year switch
    {
        2020 => new LocalDate(2020, 7, 24),
        2021 => new LocalDate(2021, 7, 23),
        _ => NthMonday(year, 10, 2),
    };

    /// <summary>
    /// 振替休日, Article 3-2. Until 2006: a national holiday on a Sunday makes the next day a
    /// holiday. From 2007: the nearest following day that is not a national holiday
    /// (e.g. 2026-05-03, a Sunday, moves to 5/6 because 5/4 and 5/5 are holidays).
    /// </summary>
    private static void AddSubstituteHolidays(int year, HashSet<LocalDate> statutory, Dictionary<LocalDate, string> holidays)
    {
        foreach (var sunday in statutory.Where(d => d.DayOfWeek == IsoDayOfWeek.Sunday).Order())
        {
            var substitute = sunday.PlusDays(1);
            if (year >= Amendment2007)
            {
                while (statutory.Contains(substitute))
                {
                    substitute = substitute.PlusDays(1);
                }
            }

            if (!holidays.ContainsKey(substitute))
            {
                holidays[substitute] = "振替休日";
            }
        }
    }

    /// <summary>
    /// 国民の休日, Article 3-3: a day whose previous and next days are both national holidays
    /// becomes a holiday (e.g. 2026-09-22 between 敬老の日 and 秋分の日). Until 2006 the rule
    /// excluded Sundays and 振替休日.
    /// </summary>
    private static void AddSandwichedDays(int year, HashSet<LocalDate> statutory, Dictionary<LocalDate, string> holidays)
    {
        foreach (var before in statutory.Order())
        {
            var day = before.PlusDays(1);
            var after = before.PlusDays(2);
            if (day.Year != year || statutory.Contains(day) || !statutory.Contains(after))
            {
                continue;
            }

            var excludedBefore2007 = day.DayOfWeek == IsoDayOfWeek.Sunday || holidays.ContainsKey(day);
            if (year < Amendment2007 && excludedBefore2007)
            {
                continue;
            }

            holidays.TryAdd(day, "国民の休日");
        }
    }

    private static LocalDate NthMonday(int year, int month, int n)
    {
        var first = new LocalDate(year, month, 1);
        var firstMonday = first.DayOfWeek == IsoDayOfWeek.Monday ? first : first.Next(IsoDayOfWeek.Monday);
        return firstMonday.PlusWeeks(n - 1);
    }
}
