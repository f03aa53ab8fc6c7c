using NodaTime;

namespace CloudLifecycle.Core.Calendars;

/// <summary>A Japanese national holiday or other statutory day off, with its official name.</summary>
public sealed record Holiday(LocalDate Date, string Name);
