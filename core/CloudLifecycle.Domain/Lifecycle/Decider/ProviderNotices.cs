using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle.Decider;

/// <summary>
/// A notice the provider gave under one of the product's deadline rules: the terms date it, and the
/// date becomes an <see cref="EventDeadline"/> of the contract (a cure period's last day, or the end
/// the provider set), which the plan, reminders, calendar and timeline then show with its clause.
/// </summary>
internal static class ProviderNotices
{
    public static FamilyOutcome Receive(DecisionDraft draft, ProviderNoticeGiven notice)
    {
        var state = draft.Before;
        var terms = ProductCatalog.For(state.Product);
        var accepted = terms.DeadlineRules.Select(r => r.Name).Where(name => ProviderNoticeRules.For(name) is not null).ToList();
        if (!accepted.Contains(notice.Rule) || ProviderNoticeRules.For(notice.Rule) is not { } effect)
        {
            throw new ContractRuleException("rule", accepted.Count == 0
                ? $"{state.Product} has no rule by which the provider gives notice"
                : $"'{notice.Rule}' is not a provider notice of {state.Product}; expected one of {string.Join(", ", accepted)}");
        }

        if (effect.DeadlineEffect == DeadlineEffect.EndsContract
            && state.Deadlines.FirstOrDefault(d => d.Effect == DeadlineEffect.EndsContract && !(d.Rule == notice.Rule && d.EventDate == notice.NoticeDate)) is { } ended)
        {
            throw new ContractRuleException("rule", $"the provider already ended the contract on {ended.Milestone.Date:uuuu-MM-dd}", ended.Milestone.Clause, RefusalKind.Conflict);
        }

        Guards.EnsureNotFuture(notice.NoticeDate, draft.Today, "noticeDate");
        if (effect.NeedsStatedDate && notice.StatedDate is null)
        {
            var rule = terms.DeadlineRules.First(r => r.Name == notice.Rule);
            throw new ContractRuleException("statedDate", $"a '{notice.Rule}' notice must state the date it sets; the clause only bounds how early it may be", rule.Clause);
        }

        var quote = Stated(terms.QuoteDeadline(notice.Rule, notice.NoticeDate), notice.StatedDate);
        if (state.Deadlines.Any(d => d.Rule == notice.Rule && d.EventDate == notice.NoticeDate))
        {
            return (state, Consequence.Nothing(new Text($"{notice.NoticeDate:uuuu-MM-dd}の通知は記録済みです", $"the notice of {notice.NoticeDate:uuuu-MM-dd} is already recorded")));
        }

        draft.Record(new HistoryEntry($"event/provider/{notice.Rule}/{notice.NoticeDate:uuuu-MM-dd}", notice.NoticeDate, "ProviderNotice", quote.Clause, quote.Explanation));
        return effect.DeadlineEffect == DeadlineEffect.EndsContract
            ? End(draft, quote, effect)
            : Deadline(draft, quote, effect);
    }

    /// <summary>
    /// The date the notice states, checked against the earliest the rule allows (the rule's own date):
    /// a notice may give the customer more time than the clause requires, never less.
    /// </summary>
    private static DeadlineQuote Stated(DeadlineQuote earliest, LocalDate? stated)
    {
        if (stated is not { } date || date == earliest.Date)
        {
            return earliest;
        }

        if (date < earliest.Date)
        {
            throw new ContractRuleException("statedDate",
                $"{date:uuuu-MM-dd} is earlier than {earliest.Rule} allows for a notice on {earliest.From:uuuu-MM-dd}: no earlier than {earliest.Date:uuuu-MM-dd} ({earliest.Explanation.En})",
                earliest.Clause);
        }

        return earliest with
        {
            Date = date,
            Explanation = new Text(
                $"{earliest.From:uuuu-MM-dd}の通知で示された日付 {date:uuuu-MM-dd}（{earliest.Clause}による最も早い日は{earliest.Date:uuuu-MM-dd}）",
                $"the date the notice of {earliest.From:uuuu-MM-dd} states, {date:uuuu-MM-dd} (the earliest {earliest.Clause} allows is {earliest.Date:uuuu-MM-dd})"),
        };
    }

    /// <summary>The provider ends the contract: on the day its rule gives, unless the contract already ends earlier.</summary>
    private static FamilyOutcome End(DecisionDraft draft, DeadlineQuote quote, ProviderNoticeRules.Effect effect)
    {
        var state = draft.Before;
        // A cancellation the customer already gave that ends earlier stands; the provider's clause still closes the contract.
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
        return (providerEnded, new Consequence(quote.Explanation, quote.Clause, end));
    }

    /// <summary>A date the customer must act by: planned, reminded and shown like the terms' own deadlines.</summary>
    private static FamilyOutcome Deadline(DecisionDraft draft, DeadlineQuote quote, ProviderNoticeRules.Effect effect)
    {
        var state = draft.Before;
        var deadline = new EventDeadline(quote.Rule, quote.From, new Milestone(quote.Date, effect.Kind, quote.Clause, effect.Description), DeadlineEffect.Deadline);
        var noticed = state with { Deadlines = [.. state.Deadlines, deadline] };
        draft.Enqueue(NoticeComposer.ProviderDeadline(noticed, quote, deadline.Milestone, draft.Today));
        return (noticed, new Consequence(quote.Explanation, quote.Clause, quote.Date));
    }
}
