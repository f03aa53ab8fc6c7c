using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;

namespace CloudLifecycle.Core.Lifecycle.Decider;

/// <summary>nec-express5800 §2-3: extending the usage period, asked for no later than 13 months before it ends.</summary>
internal static class Extension
{
    public static FamilyOutcome Extend(DecisionDraft draft, ExtensionRequested request)
    {
        var state = draft.Before;
        var terms = ProductCatalog.For(state.Product);
        var quote = terms.QuoteExtension(state.PlanningDates);
        if (state.Cancellation is not null)
        {
            throw new ContractRuleException("extension", "the contract is being cancelled", state.Cancellation.Clause, RefusalKind.Conflict);
        }

        Guards.EnsureNotFuture(request.RequestDate, draft.Today, "requestDate");
        if (request.RequestDate > quote.Deadline)
        {
            throw new ContractRuleException("requestDate", $"{request.RequestDate:uuuu-MM-dd} is after the deadline {quote.Deadline:uuuu-MM-dd} (13 months before the usage period ends on {quote.UsagePeriodEnd:uuuu-MM-dd})", quote.Clause);
        }

        if (request.NewEnd <= quote.UsagePeriodEnd)
        {
            throw new ContractRuleException("newEnd", $"{request.NewEnd:uuuu-MM-dd} does not extend the usage period ending {quote.UsagePeriodEnd:uuuu-MM-dd}", quote.Clause);
        }

        var extended = state with { Dates = state.Dates with { End = request.NewEnd } };
        // The terms validate the new end (inside the calendar, after the start) before anything is recorded.
        terms.Plan(extended.PlanningDates, extended.Dates.Start);
        draft.Record(new HistoryEntry($"event/extension/{request.NewEnd:uuuu-MM-dd}", request.RequestDate, "ExtensionAgreed", quote.Clause,
            new Text($"利用期間を{request.NewEnd:uuuu-MM-dd}まで延長", $"usage period extended to {request.NewEnd:uuuu-MM-dd}")));
        draft.Enqueue(NoticeComposer.ExtensionConfirmed(extended, quote, request.RequestDate, request.NewEnd, draft.Today));
        return (extended, new Consequence(quote.Explanation, quote.Clause, request.NewEnd));
    }
}
