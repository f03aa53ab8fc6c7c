namespace CloudLifecycle.Core.Calendars;

/// <summary>A month and day that recurs every year (12/29), ordered within the year.</summary>
public readonly record struct AnnualDate(int Month, int Day) : IComparable<AnnualDate>
{
    public int CompareTo(AnnualDate other) => (Month, Day).CompareTo((other.Month, other.Day));

    public static bool operator <(AnnualDate left, AnnualDate right) => left.CompareTo(right) < 0;

    public static bool operator <=(AnnualDate left, AnnualDate right) => left.CompareTo(right) <= 0;

    public static bool operator >(AnnualDate left, AnnualDate right) => left.CompareTo(right) > 0;

    public static bool operator >=(AnnualDate left, AnnualDate right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Month:00}-{Day:00}";
}
