using CloudLifecycle.Core.Contracts;

namespace CloudLifecycle.Core.Lifecycle;

/// <summary>
/// How many days ahead of a deadline the customer is reminded. Our policy, not a clause: the terms
/// set the deadlines, we choose when to warn. Deadlines that recur every month (eclect-aws's 15th,
/// OPTAGE's declarations after the minimum term) get one reminder a week ahead, so that a customer
/// receives at most one reminder a month for them.
/// </summary>
public static class ReminderSchedule
{
    /// <summary>The longest lead: the workflow plans at least this far ahead.</summary>
    public const int LongestLeadDays = 90;

    private static readonly int[] Once = [7];
    private static readonly int[] Twice = [30, 7];
    private static readonly int[] CureWindow = [3];

    // nec-express5800 §2-3: the digest asks to remind "well before it (e.g. 3 months and 1 month before)".
    private static readonly int[] ExtensionWindow = [90, 30, 7];

    /// <summary>
    /// The reminder leads for <paramref name="milestone"/> in <paramref name="state"/>;
    /// <paramref name="firstRenewalDeclaration"/> is the declaration deadline of the minimum term's end.
    /// </summary>
    public static IReadOnlyList<int> LeadDays(Milestone milestone, ContractState state, Milestone? firstRenewalDeclaration)
    {
        // A suspension for non-payment does not stop the deadlines: the contract runs on, and is ending only if an end is known.
        var ending = state.Cancellation is not null || state.StatusApartFromSuspension != ContractStatus.Active;
        return milestone.Kind switch
        {
            // §2-3: once the customer has asked (pending, or answered by NEC) for the period as it now ends, the deadline is met.
            MilestoneKind.ExtensionDeadline when ending || state.ExtensionRequest?.Concerns(state.Dates.End) == true => [],
            MilestoneKind.ExtensionDeadline => ExtensionWindow,
            // §11-1: once an end is known nobody needs to declare one.
            MilestoneKind.RenewalDeclarationDeadline when ending || state.Dates.End is not null => [],
            MilestoneKind.RenewalDeclarationDeadline => milestone == firstRenewalDeclaration ? Twice : Once,
            // A deadline for a planned end is a one-off worth two reminders; eclect-aws's monthly 15th gets one.
            MilestoneKind.CancellationNoticeDeadline when ending => [],
            MilestoneKind.CancellationNoticeDeadline => state.Dates.End is not null ? Twice : Once,
            MilestoneKind.DataDeletionDeadline => Twice,
            // A cure period set by a breach notice (7 days for eclect-aws §28-1(2), 30 for nec-express5800):
            // the notice itself states the day; one reminder three days before it.
            MilestoneKind.CureDeadline => CureWindow,
            MilestoneKind.RemovalSchedulingDeadline => Twice,
            _ => [],
        };
    }

    /// <summary>Which notice a reminder for <paramref name="kind"/> is.</summary>
    public static NoticeKind NoticeFor(MilestoneKind kind) => kind switch
    {
        MilestoneKind.DataDeletionDeadline => NoticeKind.DataDeletionReminder,
        MilestoneKind.RemovalSchedulingDeadline => NoticeKind.RemovalScheduling,
        _ => NoticeKind.DeadlineReminder,
    };
}
