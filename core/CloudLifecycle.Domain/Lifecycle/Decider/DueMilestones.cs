using CloudLifecycle.Core.Calendars;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle.Decider;

/// <summary>
/// The days that passed since the contract was last looked at, whatever woke it: the milestones of
/// its plan (<see cref="ContractPlan"/>, event deadlines included) that came due, the reminders due
/// for deadlines still ahead, the close once it has ended, and the next wake-up.
/// </summary>
internal static class DueMilestones
{
    /// <summary>Plans reach this far past today, beyond the longest reminder lead.</summary>
    public static readonly Period Lookahead = Period.FromDays(ReminderSchedule.LongestLeadDays + 10);

    private static readonly MilestoneKind[] KeyKinds =
    [
        MilestoneKind.ContractStart, MilestoneKind.FirstChargedMonth, MilestoneKind.ResourceFeeStart,
        MilestoneKind.TermEnd, MilestoneKind.MinimumTermEnd, MilestoneKind.CancellationNoticeDeadline,
        MilestoneKind.RenewalDeclarationDeadline, MilestoneKind.ExtensionDeadline, MilestoneKind.UsagePeriodEnd,
        MilestoneKind.CancellationEffective, MilestoneKind.RemovalDeadline, MilestoneKind.ContractEnd,
    ];

    /// <summary>
    /// Records every milestone dated after <see cref="ContractState.ProcessedThrough"/> through today,
    /// enqueues the reminders due in that span for deadlines still ahead, closes the contract once it
    /// has ended, and sets the next wake-up.
    /// </summary>
    public static ContractState Advance(ContractState state, DecisionDraft draft)
    {
        var today = draft.Today;
        var start = state.PlanningDates.Start;
        var horizon = Min(Max(today, start).Plus(Lookahead), JapaneseHolidays.LastCoveredDay);
        var plan = ContractPlan.Milestones(state, horizon);
        var milestonesFrom = state.ProcessedThrough?.PlusDays(1) ?? start;
        var remindersFrom = state.ProcessedThrough?.PlusDays(1) ?? today;
        if (milestonesFrom > today)
        {
            return state with { NextWake = NextWake(state, plan, today, horizon) };
        }

        foreach (var milestone in plan.Where(m => m.Date >= milestonesFrom && m.Date <= today))
        {
            draft.Record(new HistoryEntry($"milestone/{milestone.Date:uuuu-MM-dd}/{milestone.Kind}/{milestone.Clause}", milestone.Date, milestone.Kind.ToString(), milestone.Clause, milestone.Description));
        }

        foreach (var (milestone, lead) in Reminders(state, plan).Where(r => r.Milestone.Date >= today))
        {
            var sendOn = milestone.Date.PlusDays(-lead);
            if (sendOn >= remindersFrom && sendOn <= today)
            {
                draft.Enqueue(NoticeComposer.Reminder(state, milestone, lead, today));
            }
        }

        var advanced = state with { ProcessedThrough = today };
        if (advanced.Status != ContractStatus.Closed && EndOf(advanced, plan) is { } end && end.Date <= today)
        {
            advanced = advanced with { Status = ContractStatus.Closed };
            draft.Add(new CloseContract(end.Date, end.Clause, end.Description) { ContractId = state.ContractId });
        }

        return advanced with { NextWake = NextWake(advanced, plan, today, horizon) };
    }

    /// <summary>
    /// The dates a customer is told at registration and a CRM shows beside the contract: its start,
    /// the first charged month, term ends, and the next notice, renewal, extension and removal deadlines.
    /// </summary>
    public static IReadOnlyList<Milestone> KeyDates(ContractState state, LocalDate today)
    {
        var plan = ContractPlan.Milestones(state);
        return KeyKinds
            .Select(kind => plan.FirstOrDefault(m => m.Kind == kind && (m.Date >= today || kind == MilestoneKind.ContractStart)))
            .OfType<Milestone>()
            .Order(Milestone.Order)
            .ToList();
    }

    /// <summary>
    /// The milestone that ends the contract: an end an event set (the provider's notice), nec-express5800's
    /// removal (§2-1), or the end date with the clause that set it.
    /// </summary>
    private static Milestone? EndOf(ContractState state, IReadOnlyList<Milestone> plan)
    {
        if (state.Deadlines.FirstOrDefault(d => d.Effect == DeadlineEffect.EndsContract) is { } ended)
        {
            return ended.Milestone;
        }

        if (state.Product == ProductCode.NecExpress5800)
        {
            return plan.FirstOrDefault(m => m.Kind == MilestoneKind.ContractEnd);
        }

        if (state.Dates.End is not { } end)
        {
            return null;
        }

        // A state stored before event deadlines existed: the provider's clause was kept beside the end date.
        return state.ProviderEndClause is { } providerClause
            ? new Milestone(end, MilestoneKind.ContractEnd, providerClause, new Text("提供者による契約終了", "contract ended by the provider"))
            : plan.FirstOrDefault(m => m.Date == end && m.Kind == MilestoneKind.CancellationEffective)
                ?? new Milestone(end, MilestoneKind.ContractEnd, state.Cancellation?.Clause ?? plan.FirstOrDefault(m => m.Date == end)?.Clause ?? string.Empty, new Text("契約終了", "contract ends"));
    }

    private static IEnumerable<(Milestone Milestone, int Lead)> Reminders(ContractState state, IReadOnlyList<Milestone> plan)
    {
        if (state.Status == ContractStatus.Closed)
        {
            yield break;
        }

        var firstDeclaration = plan.FirstOrDefault(m => m.Kind == MilestoneKind.RenewalDeclarationDeadline);
        foreach (var milestone in plan)
        {
            foreach (var lead in ReminderSchedule.LeadDays(milestone, state, firstDeclaration))
            {
                yield return (milestone, lead);
            }
        }
    }

    private static LocalDate? NextWake(ContractState state, IReadOnlyList<Milestone> plan, LocalDate today, LocalDate horizon)
    {
        var candidates = plan.Where(m => m.Date > today).Select(m => m.Date)
            .Concat(Reminders(state, plan).Select(r => r.Milestone.Date.PlusDays(-r.Lead)).Where(d => d > today))
            .ToList();
        if (candidates.Count > 0)
        {
            return candidates.Min();
        }

        // Nothing inside the horizon: wake at the horizon to plan further while anything may follow.
        var laterMilestones = state.Status != ContractStatus.Closed
            || ContractPlan.Milestones(state).Any(m => m.Date > horizon);
        return laterMilestones && horizon < JapaneseHolidays.LastCoveredDay ? horizon : null;
    }

    private static LocalDate Min(LocalDate a, LocalDate b) => a < b ? a : b;

    private static LocalDate Max(LocalDate a, LocalDate b) => a > b ? a : b;
}
