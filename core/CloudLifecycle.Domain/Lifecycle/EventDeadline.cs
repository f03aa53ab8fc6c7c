using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle;

/// <summary>What a deadline set by an event does to the contract when its day comes.</summary>
public enum DeadlineEffect
{
    /// <summary>A date the customer must act by (a cure period, a declaration): planned and reminded.</summary>
    Deadline,

    /// <summary>The contract ends on the day (a provider's discontinuation or termination).</summary>
    EndsContract,

    /// <summary>The service is suspended from the day (non-payment, eclect-aws §21-1(1), NEC §19, NTT §34, OPTAGE §18) until every overdue invoice is paid.</summary>
    Suspends,
}

/// <summary>
/// A date that an event created rather than the contract's dates: the rule of the terms that computed
/// it (<see cref="Rule"/>, e.g. eclect-aws <c>cure</c> §28-1(2)), the day of the event, and the milestone
/// it puts in the plan. The plan, the reminders, the calendar feed and the timeline read these like
/// the milestones the terms derive from the contract's dates (<see cref="ContractPlan"/>).
/// </summary>
public sealed record EventDeadline(string Rule, LocalDate EventDate, Milestone Milestone, DeadlineEffect Effect)
{
    /// <summary>
    /// An end set by the other party takes the place of the customer's end milestone on that day,
    /// so the plan cites the provider's clause for it and not the cancellation rule.
    /// </summary>
    public bool Replaces(Milestone planned) =>
        Effect == DeadlineEffect.EndsContract
        && planned.Date == Milestone.Date
        && planned.Kind is MilestoneKind.CancellationEffective or MilestoneKind.ContractEnd;
}
