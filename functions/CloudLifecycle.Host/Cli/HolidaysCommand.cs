using CloudLifecycle.Core.Calendars;
using CloudLifecycle.Core.Terms;
using NodaTime;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// <c>holidays --year 2027</c>: Japanese national holidays. With <c>--product</c>, every weekday
/// that product's provider is closed (holidays plus its annual closures).
/// </summary>
internal sealed class HolidaysCommand : ICommand
{
    public string Name => "holidays";

    public string Synopsis => "--year YYYY [--product CODE] [--json]";

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var year = arguments.Integer("year");
        var product = arguments.Optional("product");
        var json = arguments.Flag("json");
        arguments.EnsureAllUsed(Name);
        if (!JapaneseHolidays.Covers(year))
        {
            throw new UsageException($"--year: {year} is outside {JapaneseHolidays.FirstYear}–{JapaneseHolidays.LastYear}");
        }

        var days = product is null
            ? JapaneseHolidays.InYear(year).Select(h => new HolidayJson(h.Date, h.Name)).ToList()
            : ClosedWeekdays(ProductCatalog.For(product).Calendar, year);
        Output.Emit(stdout, json, days, days.Select(day => $"{day.Date.Iso()} {day.Date.DayOfWeek.ToString()[..3]} {day.Name}"));
    }

    private static List<HolidayJson> ClosedWeekdays(BusinessCalendar calendar, int year)
    {
        var days = new List<HolidayJson>();
        for (var date = new LocalDate(year, 1, 1); date.Year == year; date = date.PlusDays(1))
        {
            if (calendar.ClosureReason(date) is { } reason && !calendar.ClosedWeekdays.Contains(date.DayOfWeek))
            {
                days.Add(new HolidayJson(date, reason));
            }
        }

        return days;
    }
}
