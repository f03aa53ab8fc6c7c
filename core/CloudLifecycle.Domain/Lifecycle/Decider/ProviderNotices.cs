using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle.Decider;

/// <summary>
/// A notice the provider gave under one of the product's deadline rules: the terms date it, and the
/// date becomes an <see cref="EventDeadline"/> of the contract (a cure period's last day, the end
/// the provider set, the day a suspension for non-payment begins), which the plan, reminders,
/// calendar and timeline then show with its clause. Non-payment's steps are in <see cref="NonPayment"/>.
/// </summary>
internal static class ProviderNotices
{
    public static FamilyOutcome Receive(DecisionDraft draft, ProviderNoticeGiven notice)
    {
        var state = draft.Before;
        var terms = ProductCatalog.For(state.Product);
        var accepted = terms.DeadlineRules.Where(r => ProviderNoticeRules.For(r) is not null).ToList();
        if (accepted.FirstOrDefault(r => r.Name == notice.Rule) is not { } rule || ProviderNoticeRules.For(rule) is not { } effect)
        {
            throw new ContractRuleException("rule", accepted.Count == 0
                ? $"{state.Product} has no rule by which the provider gives notice"
                : $"'{notice.Rule}' is not a provider notice of {state.Product}; expected one of {string.Join(", ", accepted.Select(r => r.Name))}");
        }

        if (effect.DeadlineEffect == DeadlineEffect.EndsContract
            && state.Deadlines.FirstOrDefault(d => d.Effect == DeadlineEffect.EndsContract && !(d.Rule == notice.Rule && d.EventDate == notice.NoticeDate)) is { } ended)
        {
            throw new ContractRuleException("rule", $"the provider already ended the contract on {ended.Milestone.Date:uuuu-MM-dd}", ended.Milestone.Clause, RefusalKind.Conflict);
        }

        Guards.EnsureNotFuture(notice.NoticeDate, draft.Today, "noticeDate");
        if (effect.NeedsStatedDate && notice.StatedDate is null)
        {
            throw new ContractRuleException("statedDate", $"a '{notice.Rule}' notice must state the date it sets; the clause only bounds how early it may be", rule.AdvanceNoticeClause ?? rule.Clause);
        }

        if (state.Deadlines.Any(d => d.Rule == notice.Rule && d.EventDate == notice.NoticeDate))
        {
            return (state, Consequence.Nothing(new Text($"{notice.NoticeDate:uuuu-MM-dd}の通知は記録済みです", $"the notice of {notice.NoticeDate:uuuu-MM-dd} is already recorded")));
        }

        return effect switch
        {
            { DeadlineEffect: DeadlineEffect.Suspends } => NonPayment.Suspend(draft, rule, notice, effect),
            { DeadlineEffect: DeadlineEffect.EndsContract, OnNonPayment: true } => NonPayment.Terminate(draft, terms, rule, notice, effect),
            { DeadlineEffect: DeadlineEffect.EndsContract } => End(draft, terms, rule, notice, effect),
            _ => Deadline(draft, terms, rule, notice, effect),
        };
    }

    /// <summary>
    /// The provider ends the contract on the day its notice states, checked by the terms against the
    /// notice period (too early: refused naming the clause), or at the period's end when none is stated.
    /// A cancellation the customer already gave that ends earlier stands.
    /// </summary>
    private static FamilyOutcome End(DecisionDraft draft, ContractTerms terms, DeadlineRule rule, ProviderNoticeGiven notice, ProviderNoticeRules.Effect effect)
    {
        var state = draft.Before;
        var earliest = terms.QuoteDeadline(notice.Rule, notice.NoticeDate);
        var quote = earliest;
        if (notice.StatedDate is { } stated)
        {
            if (stated < earliest.Date)
            {
                throw new ContractRuleException("statedDate",
                    $"the end {stated:uuuu-MM-dd} is too early: after a notice on {notice.NoticeDate:uuuu-MM-dd} the earliest end is {earliest.Date:uuuu-MM-dd} ({earliest.DateMeaning})", earliest.Clause);
            }

            var checkedEnd = terms.ValidateProviderEnd(notice.Rule, notice.NoticeDate, stated);
            quote = earliest with { Date = checkedEnd.End, Explanation = checkedEnd.Explanation };
        }

        draft.Record(new HistoryEntry($"event/provider/{notice.Rule}/{notice.NoticeDate:uuuu-MM-dd}", notice.NoticeDate, "ProviderNotice", quote.Clause, quote.Explanation));
        var end = state.Dates.End is { } planned && planned < quote.Date ? planned : quote.Date;
        var deadline = new EventDeadline(quote.Rule, quote.From, new Milestone(end, effect.Kind, quote.Clause, effect.Description), DeadlineEffect.EndsContract);
        var providerEnded = state with
        {
            Status = ContractStatus.Ending,
            Dates = state.Dates with { End = end, EndedByProvider = true },
            ProviderEndClause = quote.Clause,
            Deadlines = [.. state.Deadlines, deadline],
        };
        draft.Enqueue(NoticeComposer.ProviderTermination(providerEnded, quote, end, draft.Today));
        if (ProviderPayouts.For(state, rule, notice.NoticeDate, end, state.SupplementaryDocuments + 1, draft.IssueDay) is not { } payout)
        {
            return (providerEnded, new Consequence(quote.Explanation, quote.Clause, end));
        }

        draft.Issue(payout, "PayoutOwed", rule.Clause,
            new Text($"{payout.Number}：当社から{-payout.Total:N0}円をお支払い（期日 {payout.DueDate:uuuu-MM-dd}）", $"{payout.Number}: ¥{-payout.Total:N0} owed to the customer (by {payout.DueDate:uuuu-MM-dd})"));
        var owed = providerEnded with
        {
            SupplementaryDocuments = state.SupplementaryDocuments + 1,
            OpenInvoices = [.. providerEnded.OpenInvoices, new OpenInvoice(payout.Number, payout.Month, payout.Total, payout.Total, payout.DueDate, BearsInterest: false)],
        };
        return (owed, new Consequence(quote.Explanation, quote.Clause, end, payout.Total, payout.Number));
    }

    /// <summary>
    /// A breach notice: the customer must cure by the period's last day (the day before termination
    /// becomes possible), or by a later day the notice states. Planned, reminded and shown like the terms' own deadlines.
    /// </summary>
    private static FamilyOutcome Deadline(DecisionDraft draft, ContractTerms terms, DeadlineRule rule, ProviderNoticeGiven notice, ProviderNoticeRules.Effect effect)
    {
        var state = draft.Before;
        var quote = terms.QuoteDeadline(notice.Rule, notice.NoticeDate);
        var lastDay = rule.PeriodLastDay?.Invoke(notice.NoticeDate) ?? quote.Date;
        if (notice.StatedDate is { } stated && stated < lastDay)
        {
            throw new ContractRuleException("statedDate",
                $"{stated:uuuu-MM-dd} is earlier than {rule.Name} allows for a notice on {notice.NoticeDate:uuuu-MM-dd}: the period runs to {lastDay:uuuu-MM-dd} ({quote.Explanation.En})", rule.Clause);
        }

        var day = notice.StatedDate ?? lastDay;
        draft.Record(new HistoryEntry($"event/provider/{notice.Rule}/{notice.NoticeDate:uuuu-MM-dd}", notice.NoticeDate, "ProviderNotice", quote.Clause, quote.Explanation));
        var deadline = new EventDeadline(quote.Rule, quote.From, new Milestone(day, effect.Kind, quote.Clause, effect.Description), DeadlineEffect.Deadline);
        var noticed = state with { Deadlines = [.. state.Deadlines, deadline] };
        draft.Enqueue(NoticeComposer.ProviderDeadline(noticed, quote, deadline.Milestone, draft.Today));
        return (noticed, new Consequence(quote.Explanation, quote.Clause, day));
    }
}
