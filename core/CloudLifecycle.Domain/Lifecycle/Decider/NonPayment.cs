using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle.Decider;

/// <summary>
/// What the provider may do when the customer does not pay, and what paying undoes: suspension
/// (eclect-aws §21-1(1), NEC §19, NTT §34, OPTAGE §18), resumption once nothing is overdue, and
/// termination for non-payment with every debt falling due at once (eclect-aws §28-1(1), §28-4).
/// The steps are open only from the day after an unpaid due date, moved off bank holidays (民法 §142).
/// </summary>
internal static class NonPayment
{
    /// <summary>
    /// The invoice that gives the ground for <paramref name="rule"/> on <paramref name="day"/>: the
    /// oldest one still unpaid whose first late day (<see cref="DeadlineRule.Compute"/> of its due date)
    /// has come. Refused naming the clause otherwise: <c>noticeDate</c> when an unpaid invoice will be
    /// late later (the notice is too early), <c>rule</c> when nothing is unpaid at all.
    /// </summary>
    public static OpenInvoice Ground(ContractState state, DeadlineRule rule, LocalDate day)
    {
        var unpaid = state.OpenInvoices.Where(i => i.Outstanding > 0).OrderBy(i => i.DueDate).ToList();
        if (unpaid.FirstOrDefault(i => rule.Compute(i.DueDate) <= day) is { } overdue)
        {
            return overdue;
        }

        if (unpaid.FirstOrDefault() is { } next)
        {
            throw new ContractRuleException("noticeDate",
                $"no invoice of contract {state.ContractId} is overdue on {day:uuuu-MM-dd}: {next.Number} is due on {next.DueDate:uuuu-MM-dd}, so '{rule.Name}' is open from {rule.Compute(next.DueDate):uuuu-MM-dd} if it is still unpaid then",
                rule.Clause);
        }

        throw new ContractRuleException("rule", $"contract {state.ContractId} owes nothing past its due date on {day:uuuu-MM-dd}: '{rule.Name}' needs an invoice unpaid after its due date", rule.Clause);
    }

    /// <summary>
    /// Suspends the service for an invoice unpaid past its due date. Where the clause has the provider
    /// notify the day beforehand (NEC §19-2, NTT §34-2) the suspension starts on the day the notice
    /// states, after the notice day; otherwise (eclect-aws §21, OPTAGE §18 ask no advance notice) on the
    /// notice day or the later day it states. The day becomes a milestone of the plan; on it the status
    /// becomes <see cref="ContractStatus.Suspended"/> (<see cref="Advance"/>).
    /// </summary>
    public static FamilyOutcome Suspend(DecisionDraft draft, DeadlineRule rule, ProviderNoticeGiven notice, ProviderNoticeRules.Effect effect)
    {
        var state = draft.Before;
        if (state.Suspension is { } current)
        {
            throw new ContractRuleException("rule", current.InEffect
                ? $"the service of contract {state.ContractId} is already suspended since {current.From:uuuu-MM-dd}"
                : $"a suspension of contract {state.ContractId} from {current.From:uuuu-MM-dd} is already notified", current.Clause, RefusalKind.Conflict);
        }

        var ground = Ground(state, rule, notice.NoticeDate);
        var from = SuspensionDay(rule, notice);
        var (chargesClause, charges) = ProviderNoticeRules.ChargesWhileSuspended(state.Product);
        var text = new Text(
            $"{ground.Number}（お支払期日 {ground.DueDate:uuuu-MM-dd}）が未払いのため、{from:uuuu-MM-dd}から本サービスの提供を停止します（{rule.Clause}{AdvanceClause(rule, "、")}）。お支払いの確認をもって再開します。{charges.Ja}",
            $"{ground.Number} (due {ground.DueDate:uuuu-MM-dd}) is unpaid: the service is suspended from {from:uuuu-MM-dd} ({rule.Clause}{AdvanceClause(rule, ", ")}) until payment is received; {charges.En}");
        draft.Record(new HistoryEntry($"event/provider/{rule.Name}/{notice.NoticeDate:uuuu-MM-dd}", notice.NoticeDate, "ProviderNotice", rule.Clause, text));
        var deadline = new EventDeadline(rule.Name, notice.NoticeDate, new Milestone(from, effect.Kind, rule.Clause, effect.Description), DeadlineEffect.Suspends);
        var suspension = new SuspensionRecord(rule.Name, rule.Clause, notice.NoticeDate, from, ground.Number);
        var noticed = state with { Suspension = suspension, Deadlines = [.. state.Deadlines, deadline] };
        if (from > draft.Today)
        {
            draft.Enqueue(NoticeComposer.SuspensionAnnounced(noticed, suspension, ground, rule.AdvanceNoticeClause, (chargesClause, charges), draft.Today));
        }

        return (noticed, new Consequence(text, rule.Clause, from, ground.Outstanding, ground.Number));
    }

    private static LocalDate SuspensionDay(DeadlineRule rule, ProviderNoticeGiven notice)
    {
        if (rule.AdvanceNoticeClause is { } advance)
        {
            // 「予めその理由ならびに停止をする日および期間を契約者に通知」: the day is the notice's, and after it. The
            // urgent case (「緊急やむを得ない」) that allows a suspension without notice is not modelled.
            var stated = notice.StatedDate!.Value;
            if (stated <= notice.NoticeDate)
            {
                throw new ContractRuleException("statedDate",
                    $"the suspension must be notified beforehand: {stated:uuuu-MM-dd} is not after the notice of {notice.NoticeDate:uuuu-MM-dd}", advance);
            }

            return stated;
        }

        var from = notice.StatedDate ?? notice.NoticeDate;
        if (from < notice.NoticeDate)
        {
            throw new ContractRuleException("statedDate", $"a suspension cannot start on {from:uuuu-MM-dd}, before its notice of {notice.NoticeDate:uuuu-MM-dd}", rule.Clause);
        }

        return from;
    }

    private static string AdvanceClause(DeadlineRule rule, string separator) =>
        rule.AdvanceNoticeClause is { } advance ? $"{separator}{advance}" : string.Empty;

    /// <summary>
    /// Terminates the contract for an invoice unpaid past its due date (eclect-aws §28-1(1): no cure
    /// period) on the notice day or a later day it states, and makes every open invoice due on the
    /// termination day (§28-4 「一切の債務につき期限の利益を喪失し、直ちに債務を履行しなければならない」, the
    /// terms' <c>acceleration</c> rule): their overdue notices and late interest then run from that day.
    /// </summary>
    public static FamilyOutcome Terminate(DecisionDraft draft, ContractTerms terms, DeadlineRule rule, ProviderNoticeGiven notice, ProviderNoticeRules.Effect effect)
    {
        var state = draft.Before;
        var ground = Ground(state, rule, notice.NoticeDate);
        var stated = notice.StatedDate ?? notice.NoticeDate;
        if (stated < notice.NoticeDate)
        {
            throw new ContractRuleException("statedDate", $"a termination cannot take effect on {stated:uuuu-MM-dd}, before its notice of {notice.NoticeDate:uuuu-MM-dd}", rule.Clause);
        }

        var end = state.Dates.End is { } planned && planned < stated ? planned : stated;
        var text = new Text(
            $"{ground.Number}（お支払期日 {ground.DueDate:uuuu-MM-dd}）が未払いのため、{end:uuuu-MM-dd}をもって利用契約を解除します（{rule.Clause}）",
            $"{ground.Number} (due {ground.DueDate:uuuu-MM-dd}) is unpaid: the contract is terminated on {end:uuuu-MM-dd} ({rule.Clause})");
        draft.Record(new HistoryEntry($"event/provider/{rule.Name}/{notice.NoticeDate:uuuu-MM-dd}", notice.NoticeDate, "ProviderNotice", rule.Clause, text));
        var deadline = new EventDeadline(rule.Name, notice.NoticeDate, new Milestone(end, effect.Kind, rule.Clause, effect.Description), DeadlineEffect.EndsContract);
        var terminated = state with
        {
            Status = ContractStatus.Ending,
            Dates = state.Dates with { End = end, EndedByProvider = true },
            ProviderEndClause = rule.Clause,
            Deadlines = [.. state.Deadlines, deadline],
        };

        IReadOnlyList<OpenInvoice> accelerated = [];
        DeadlineQuote? acceleration = null;
        if (effect.AccelerationRule is { } accelerationRule && terms.DeadlineRules.Any(r => r.Name == accelerationRule))
        {
            acceleration = terms.QuoteDeadline(accelerationRule, end);
            (terminated, accelerated) = Accelerate(terminated, acceleration);
            if (accelerated.Count > 0)
            {
                draft.Record(new HistoryEntry($"event/acceleration/{end:uuuu-MM-dd}", end, "DebtsDueAtOnce", acceleration.Clause, new Text(
                    $"期限の利益の喪失により{string.Join("、", accelerated.Select(i => i.Number))}の支払期日が{acceleration.Date:uuuu-MM-dd}となりました",
                    $"acceleration: {string.Join(", ", accelerated.Select(i => i.Number))} now due on {acceleration.Date:uuuu-MM-dd}")));
            }
        }

        draft.Enqueue(NoticeComposer.NonPaymentTermination(terminated, rule, notice.NoticeDate, ground, end, acceleration, accelerated, draft.Today));
        return (terminated, new Consequence(text, rule.Clause, end, ground.Outstanding, ground.Number));
    }

    /// <summary>Every open invoice due after <paramref name="acceleration"/>'s date is due on it instead, chased afresh from it.</summary>
    private static (ContractState State, IReadOnlyList<OpenInvoice> Accelerated) Accelerate(ContractState state, DeadlineQuote acceleration)
    {
        var accelerated = new List<OpenInvoice>();
        var invoices = state.OpenInvoices.Select(invoice =>
        {
            if (invoice.DueDate <= acceleration.Date)
            {
                return invoice;
            }

            var due = invoice with { DueDate = acceleration.Date, OverdueNoticesSent = 0, DueDateClause = acceleration.Clause };
            accelerated.Add(due);
            return due;
        }).ToList();
        return (state with { OpenInvoices = invoices }, accelerated);
    }

    /// <summary>
    /// After a payment: when no invoice is left overdue, the suspension is lifted — the contract resumes
    /// as it was (active, or ending on its known day), or a suspension not yet begun is called off. The
    /// reading: the ground was the unpaid debt (NTT §34-1 「その料金その他の債務が支払われるまでの間」); once it is
    /// paid there is none. An invoice not yet due, such as the late-interest invoice the payment itself
    /// issues, is no ground.
    /// </summary>
    public static ContractState ResumeIfSettled(DecisionDraft draft, ContractState state)
    {
        var today = draft.Today;
        if (state.Suspension is not { } suspension
            || state.OpenInvoices.Any(i => i.Outstanding > 0 && PaymentDays.FirstDayLate(i.DueDate) <= today))
        {
            return state;
        }

        if (state.Status == ContractStatus.Closed)
        {
            return state with { Suspension = null };
        }

        var text = suspension.InEffect
            ? new Text($"未払いの料金がすべて支払われたため、{today:uuuu-MM-dd}に本サービスの提供を再開しました（{suspension.Clause}の停止の解除）", $"every overdue invoice is paid: the service resumed on {today:uuuu-MM-dd} (the {suspension.Clause} suspension is lifted)")
            : new Text($"未払いの料金がすべて支払われたため、{suspension.From:uuuu-MM-dd}からの停止は行いません（{suspension.Clause}）", $"every overdue invoice is paid: the suspension from {suspension.From:uuuu-MM-dd} will not take place ({suspension.Clause})");
        draft.Record(new HistoryEntry($"event/resumed/{suspension.Rule}/{suspension.NoticeDate:uuuu-MM-dd}", today, "ServiceResumed", suspension.Clause, text));
        draft.Enqueue(NoticeComposer.ServiceResumed(state, suspension, text, today));
        return state with
        {
            Status = state.Status == ContractStatus.Suspended ? suspension.ResumeTo : state.Status,
            Suspension = null,
            // A suspension that never began leaves the plan; one that did stays as the day it began.
            Deadlines = suspension.InEffect ? state.Deadlines : [.. state.Deadlines.Where(d => !(d.Effect == DeadlineEffect.Suspends && d.EventDate == suspension.NoticeDate))],
        };
    }

    /// <summary>
    /// Runs after every decision, once the days that passed are handled: a notified suspension whose
    /// day has come takes effect (status <see cref="ContractStatus.Suspended"/>, the customer told); a
    /// contract in suspension stays suspended when another rule set it ending (it resumes as ending); a
    /// closed contract has no suspension left.
    /// </summary>
    public static ContractState Advance(ContractState state, DecisionDraft draft)
    {
        if (state.Suspension is not { } suspension)
        {
            return state;
        }

        if (state.Status == ContractStatus.Closed)
        {
            return state with { Suspension = null };
        }

        if (!suspension.InEffect)
        {
            if (suspension.From > draft.Today)
            {
                return state;
            }

            var effective = suspension with { InEffect = true, ResumeTo = state.Status };
            draft.Enqueue(NoticeComposer.SuspensionEffective(state, effective, ProviderNoticeRules.ChargesWhileSuspended(state.Product), draft.Today));
            return state with { Status = ContractStatus.Suspended, Suspension = effective };
        }

        return state.Status == ContractStatus.Suspended
            ? state
            : state with { Status = ContractStatus.Suspended, Suspension = suspension with { ResumeTo = state.Status } };
    }
}
