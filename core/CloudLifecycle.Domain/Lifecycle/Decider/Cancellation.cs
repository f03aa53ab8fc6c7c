using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle.Decider;

/// <summary>
/// The customer's cancellation: the product's terms resolve the effective date (and the final
/// month's charges) once, and the contract runs to it. The same quote answers a what-if.
/// </summary>
internal static class Cancellation
{
    public static FamilyOutcome Cancel(DecisionDraft draft, CancellationRequested request)
    {
        var (quote, charges) = Quote(draft.Before, request.NoticeDate, request.RequestedDate);
        Guards.EnsureNotFuture(request.NoticeDate, draft.Today, "noticeDate");
        var cancelled = Cancelled(draft.Before, request.NoticeDate, request.RequestedDate, quote);
        draft.Record(new HistoryEntry($"event/cancellation/{request.NoticeDate:uuuu-MM-dd}", request.NoticeDate, "CancellationReceived", quote.Clause, quote.Explanation));
        draft.Enqueue(NoticeComposer.CancellationReceived(cancelled, quote, charges, draft.Today));
        return (cancelled, new Consequence(quote.Explanation, quote.Clause, quote.EffectiveDate, charges.Sum(c => c.Amount)));
    }

    /// <summary>The cancellation a notice would lead to, changing nothing; refused as the request itself would be.</summary>
    public static CancellationWhatIf Quote(ContractState state, LocalDate notice, LocalDate requested)
    {
        TriggerPolicy.EnsureAllowed(state, typeof(CancellationRequested));
        if (state.Cancellation is { } earlier)
        {
            throw new ContractRuleException("cancellation", $"a cancellation was already received on {earlier.NoticeDate:uuuu-MM-dd}, effective {earlier.EffectiveDate:uuuu-MM-dd}", earlier.Clause, RefusalKind.Conflict);
        }

        var quote = ProductCatalog.For(state.Product).QuoteCancellation(state.Dates, notice, requested);
        return new CancellationWhatIf(quote, EndingCharges(Cancelled(state, notice, requested, quote), quote.EffectiveDate.ToYearMonth()));
    }

    /// <summary>
    /// The state once cancelled: nec-express5800 keeps its usage period and records an early
    /// termination (§24), the others end on the effective date.
    /// </summary>
    private static ContractState Cancelled(ContractState state, LocalDate notice, LocalDate requested, CancellationQuote quote)
    {
        var cancelled = state with
        {
            Status = ContractStatus.Ending,
            Cancellation = new CancellationRecord(notice, requested, quote.EffectiveDate, quote.Clause),
        };
        return state.Product == ProductCode.NecExpress5800
            ? (quote.EffectiveDate < state.Dates.End ? cancelled with { Termination = new NecTermination(quote.EffectiveDate, NecTerminationReason.Cancellation) } : cancelled)
            : cancelled with { Dates = state.Dates with { End = quote.EffectiveDate } };
    }

    /// <summary>The early-termination lines of the final month (§11-2, §24-2), taken from the billing rules themselves.</summary>
    private static List<InvoiceLine> EndingCharges(ContractState state, YearMonth finalMonth)
    {
        var preview = BillingInputs.Preview(state, finalMonth);
        try
        {
            return BillingCatalog.For(state.Product).Invoice(preview).Lines
                .Where(line => line.Code is "early-termination" or "remaining-months")
                .ToList();
        }
        catch (ContractRuleException)
        {
            // The profile lacks a price the charge needs (no base fee or plan registered): the notice says nothing of charges.
            return [];
        }
    }
}
