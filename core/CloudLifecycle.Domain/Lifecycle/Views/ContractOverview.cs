using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle.Views;

/// <summary>
/// What a person looking at a contract wants to know besides its state: the milestones still ahead
/// and the deadlines the customer must act by, each with its clause.
/// </summary>
public static class ContractOverview
{
    /// <summary>
    /// Milestones a customer must act by (give notice, declare, apply, agree a date, remove, pay).
    /// A CRM's "deadline within N days" filter looks at these.
    /// </summary>
    public static readonly IReadOnlySet<MilestoneKind> DeadlineKinds = new HashSet<MilestoneKind>
    {
        MilestoneKind.ExtensionDeadline,
        MilestoneKind.RenewalDeclarationDeadline,
        MilestoneKind.CancellationNoticeDeadline,
        MilestoneKind.CureDeadline,
        MilestoneKind.InvoiceDeadline,
        MilestoneKind.PaymentDue,
        MilestoneKind.DataDeletionDeadline,
        MilestoneKind.RemovalSchedulingDeadline,
        MilestoneKind.RemovalDeadline,
    };

    /// <summary>Every milestone of the contract's plan (start to its last milestone, or two years for an open-ended contract), event deadlines included.</summary>
    public static IReadOnlyList<Milestone> Plan(ContractState state) => ContractPlan.Milestones(state);

    /// <summary>The milestones dated today or later, in order.</summary>
    public static IReadOnlyList<Milestone> Upcoming(ContractState state, LocalDate today) =>
        Plan(state).Where(m => m.Date >= today).ToList();

    /// <summary>The deadlines dated from today through <paramref name="days"/> days ahead, in order.</summary>
    public static IReadOnlyList<Milestone> DeadlinesWithin(ContractState state, LocalDate today, int days) =>
        Upcoming(state, today).Where(m => IsOpenDeadline(state, m) && m.Date <= today.PlusDays(days)).ToList();

    /// <summary>The next deadline from today, if any is planned.</summary>
    public static Milestone? NextDeadline(ContractState state, LocalDate today) =>
        Upcoming(state, today).FirstOrDefault(m => IsOpenDeadline(state, m));

    /// <summary>
    /// A deadline the customer still has to act by: nec-express5800's §2-3 extension deadline is met once
    /// an extension was asked for the usage period as it now ends (pending or answered), as its reminders stop.
    /// </summary>
    public static bool IsOpenDeadline(ContractState state, Milestone milestone) =>
        DeadlineKinds.Contains(milestone.Kind)
        && !(milestone.Kind == MilestoneKind.ExtensionDeadline && state.ExtensionRequest?.Concerns(state.Dates.End) == true);
}
