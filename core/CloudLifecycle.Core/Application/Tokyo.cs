using NodaTime;

namespace CloudLifecycle.Core.Application;

/// <summary>Japan's civil date of an instant: every contract date is a date in Asia/Tokyo.</summary>
public static class Tokyo
{
    public static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Tokyo"];

    /// <summary>Contracts wake at 09:00 in Tokyo, inside business hours, so notices arrive in the morning.</summary>
    public static readonly LocalTime WakeTime = new(9, 0);

    public static LocalDate Today(Instant now) => now.InZone(Zone).Date;

    public static Instant WakeInstant(LocalDate date) => date.At(WakeTime).InZoneStrictly(Zone).ToInstant();
}
