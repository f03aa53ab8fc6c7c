using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Terms;

/// <summary>
/// A date that follows from one event by a clause: <see cref="Compute"/> maps the event's date
/// (<see cref="FromMeaning"/>) to the resulting date, <see cref="Explain"/> says so in both languages.
/// </summary>
public sealed record DeadlineRule(
    string Name,
    string Clause,
    string FromMeaning,
    Func<LocalDate, LocalDate> Compute,
    Func<LocalDate, LocalDate, Text> Explain);
