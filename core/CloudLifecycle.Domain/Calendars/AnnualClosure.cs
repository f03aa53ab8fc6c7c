using NodaTime;

namespace CloudLifecycle.Core.Calendars;

/// <summary>
/// Days a provider closes every year, from <see cref="From"/> to <see cref="To"/> inclusive; the
/// range may wrap the year end (12/29 to 1/3 covers 12/29, 12/30, 12/31, 1/1, 1/2 and 1/3).
/// </summary>
public sealed record AnnualClosure(string Name, AnnualDate From, AnnualDate To)
{
    public bool Contains(LocalDate date)
    {
        var day = new AnnualDate(date.Month, date.Day);
        return From <= To
            ? day >= From && day <= To
            : day >= From || day <= To;
    }
}
