using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle;

/// <summary>
/// The milestones of one contract: those its terms derive from its dates, and the deadlines its
/// events created (<see cref="ContractState.Deadlines"/>). Everything that shows or acts on dates
/// (the decider's timer and reminders, key dates, the calendar feed, the timeline, the CRM's
/// deadline filter) reads them from here, so an event's deadline needs no code of its own there.
/// </summary>
public static class ContractPlan
{
    /// <summary>
    /// The plan through <paramref name="through"/> (without it, as <see cref="ContractTerms.Plan"/>
    /// plans: to the last milestone, or two years for an open-ended contract), in <see cref="Milestone.Order"/>.
    /// </summary>
    public static IReadOnlyList<Milestone> Milestones(ContractState state, LocalDate? through = null)
    {
        var planned = ProductCatalog.For(state.Product).Plan(state.PlanningDates, through).Milestones;
        var deadlines = state.Deadlines.Where(d => through is null || d.Milestone.Date <= through).ToList();
        if (deadlines.Count == 0)
        {
            return planned;
        }

        return planned
            .Where(m => !deadlines.Any(d => d.Replaces(m)))
            .Concat(deadlines.Select(d => d.Milestone))
            .Order(Milestone.Order)
            .ToList();
    }
}
