using System.Globalization;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle.Decider;

/// <summary>
/// nec-express5800 §2-3: 「契約者が本サービスの利用期間の延長…を希望する場合、利用期間の終了日の13か月前までに当社に
/// 連絡し、当社が利用期間の延長が可能と判断したときにはサービス料金の値上げ等を含めて両社にて調整のうえ、当社所定の契約
/// 変更の手続きを行うことにより利用期間を延長することができます」. The customer's request (by the deadline) gives
/// no extension by itself: it is recorded as pending and NEC decides. Until then the plan is unchanged —
/// the usage period still ends on its date, removal (§29-1) still follows it — because that is what
/// happens if NEC declines or never answers; the clause sets no day for the answer, so no milestone
/// is invented for it (the contract view shows the pending request beside its key dates).
/// </summary>
internal static class Extension
{
    /// <summary>The customer asks by the §2-3 deadline: recorded as pending, the customer told that NEC decides.</summary>
    public static FamilyOutcome Request(DecisionDraft draft, ExtensionRequested request)
    {
        var state = draft.Before;
        var terms = ProductCatalog.For(state.Product);
        var quote = terms.QuoteExtension(state.PlanningDates);
        EnsureNotEnding(state);
        if (state.ExtensionRequest is { Outcome: ExtensionOutcome.Pending } pending)
        {
            throw new ContractRuleException("extension",
                $"the request of {pending.RequestDate:uuuu-MM-dd} (to {pending.RequestedEnd:uuuu-MM-dd}) still awaits NEC's decision", quote.Clause, RefusalKind.Conflict);
        }

        Guards.EnsureNotFuture(request.RequestDate, draft.Today, "requestDate");
        // Interpretation: a request after the deadline is refused here. The clause gives no right to a late
        // request; should NEC still agree, that is a new contract change, not this event.
        if (request.RequestDate > quote.Deadline)
        {
            throw new ContractRuleException("requestDate", $"{request.RequestDate:uuuu-MM-dd} is after the deadline {quote.Deadline:uuuu-MM-dd} (13 months before the usage period ends on {quote.UsagePeriodEnd:uuuu-MM-dd})", quote.Clause);
        }

        EnsureExtends(request.NewEnd, quote);
        // The terms validate the requested end (inside the calendar, after the start) before anything is recorded.
        terms.Plan(state.PlanningDates with { End = request.NewEnd }, state.Dates.Start);

        var recorded = state with { ExtensionRequest = new ExtensionRecord(request.RequestDate, request.NewEnd, quote.UsagePeriodEnd) };
        var summary = new Text(
            $"{request.NewEnd:uuuu-MM-dd}までの利用期間延長のお申し出を受け付けました（当社の判断待ち）。判断があるまで利用期間は{quote.UsagePeriodEnd:uuuu-MM-dd}に終了する予定です",
            $"extension to {request.NewEnd:uuuu-MM-dd} requested: pending NEC's decision; until then the usage period ends on {quote.UsagePeriodEnd:uuuu-MM-dd}");
        draft.Record(new HistoryEntry($"event/extension-request/{request.RequestDate:uuuu-MM-dd}", request.RequestDate, "ExtensionRequested", quote.Clause, summary));
        draft.Enqueue(NoticeComposer.ExtensionRequestReceived(recorded, quote, draft.Today));
        return (recorded, new Consequence(summary, quote.Clause));
    }

    /// <summary>NEC answers the pending request: approved (agreed end, perhaps new prices) or declined.</summary>
    public static FamilyOutcome Decide(DecisionDraft draft, ExtensionDecided decision)
    {
        var state = draft.Before;
        var quote = ProductCatalog.For(state.Product).QuoteExtension(state.PlanningDates);
        if (state.ExtensionRequest is not { Outcome: ExtensionOutcome.Pending } pending)
        {
            throw new ContractRuleException("extension", "no extension request awaits a decision", quote.Clause, RefusalKind.Conflict);
        }

        Guards.EnsureNotFuture(decision.DecidedOn, draft.Today, "decidedOn");
        if (decision.DecidedOn < pending.RequestDate)
        {
            throw new ContractRuleException("decidedOn", $"{decision.DecidedOn:uuuu-MM-dd} is before the request of {pending.RequestDate:uuuu-MM-dd}", quote.Clause);
        }

        return decision.Approved ? Approve(draft, decision, pending, quote) : Decline(draft, decision, pending, quote);
    }

    /// <summary>
    /// 「両社にて調整のうえ」: the end the parties agreed (not necessarily the one asked for) and, where
    /// agreed, new prices. Interpretation: the new prices apply to the extension, i.e. from the day after
    /// the previous end; an agreed price is a contract change, not a §4-2 unilateral revision (no
    /// 3-month notice). A removal date agreed for the previous end no longer holds (§29-1 follows the new end).
    /// </summary>
    private static FamilyOutcome Approve(DecisionDraft draft, ExtensionDecided decision, ExtensionRecord pending, ExtensionQuote quote)
    {
        var state = draft.Before;
        EnsureNotEnding(state);
        var previousEnd = quote.UsagePeriodEnd;
        if (decision.DecidedOn > previousEnd)
        {
            throw new ContractRuleException("decidedOn", $"the usage period ended on {previousEnd:uuuu-MM-dd}; an extension is agreed before it ends", quote.Clause);
        }

        var newEnd = decision.NewEnd ?? throw new ContractRuleException("newEnd", "an approval states the usage period end the parties agreed", quote.Clause);
        EnsureExtends(newEnd, quote);
        var baseFee = NonNegative(decision.NewBaseFee, "newBaseFee", "§4-3");
        var unitPrice = NonNegative(decision.NewUnitPrice, "newUnitPrice", "§4-4");
        var pricesFrom = previousEnd.PlusDays(1);
        var prices = baseFee is null && unitPrice is null
            ? state.Prices
            : [.. state.Prices, new PricePeriod(pricesFrom, baseFee, unitPrice, quote.Clause)];
        var approved = pending with { Outcome = ExtensionOutcome.Approved, DecidedOn = decision.DecidedOn, AgreedEnd = newEnd };
        var extended = state with
        {
            Dates = state.Dates with { End = newEnd, RemovalDate = null },
            ExtensionRequest = approved,
            Prices = prices,
        };
        // The terms validate the agreed end (inside the calendar, after the start) before anything is recorded.
        ProductCatalog.For(state.Product).Plan(extended.PlanningDates, extended.Dates.Start);

        var summary = new Text(
            $"当社が延長を承諾し、利用期間を{newEnd:uuuu-MM-dd}まで延長" + PriceText(baseFee, unitPrice, pricesFrom).Ja,
            $"NEC approved: usage period extended to {newEnd:uuuu-MM-dd}" + PriceText(baseFee, unitPrice, pricesFrom).En);
        draft.Record(new HistoryEntry($"event/extension-decision/{decision.DecidedOn:uuuu-MM-dd}", decision.DecidedOn, "ExtensionApproved", quote.Clause, summary));
        draft.Enqueue(NoticeComposer.ExtensionConfirmed(extended, approved, previousEnd, state.Dates.RemovalDate, baseFee, unitPrice, pricesFrom, quote.Clause, draft.Today));
        return (extended, new Consequence(summary, quote.Clause, newEnd));
    }

    /// <summary>Declined: nothing about the contract changes — the usage period ends as planned and removal follows (§29-1).</summary>
    private static FamilyOutcome Decline(DecisionDraft draft, ExtensionDecided decision, ExtensionRecord pending, ExtensionQuote quote)
    {
        var state = draft.Before;
        foreach (var (field, given) in new[] { ("newEnd", decision.NewEnd is not null), ("newBaseFee", decision.NewBaseFee is not null), ("newUnitPrice", decision.NewUnitPrice is not null) })
        {
            if (given)
            {
                throw new ContractRuleException(field, "a declined extension changes nothing; only an approval carries an agreed end or prices", quote.Clause);
            }
        }

        var declined = state with { ExtensionRequest = pending with { Outcome = ExtensionOutcome.Declined, DecidedOn = decision.DecidedOn } };
        var removal = ProductCatalog.For(state.Product).QuoteRemoval(state.PlanningDates);
        var summary = new Text(
            $"当社が延長を見送り：利用期間は予定どおり{quote.UsagePeriodEnd:uuuu-MM-dd}に終了し、機器は{removal.RemovalDeadline:uuuu-MM-dd}までに撤去します",
            $"NEC declined the extension: the usage period ends on {quote.UsagePeriodEnd:uuuu-MM-dd} as planned and the equipment is removed by {removal.RemovalDeadline:uuuu-MM-dd}");
        draft.Record(new HistoryEntry($"event/extension-decision/{decision.DecidedOn:uuuu-MM-dd}", decision.DecidedOn, "ExtensionDeclined", quote.Clause, summary));
        draft.Enqueue(NoticeComposer.ExtensionDeclined(declined, quote, removal, draft.Today));
        return (declined, new Consequence(summary, quote.Clause, quote.UsagePeriodEnd));
    }

    private static void EnsureExtends(LocalDate newEnd, ExtensionQuote quote)
    {
        if (newEnd <= quote.UsagePeriodEnd)
        {
            throw new ContractRuleException("newEnd", $"{newEnd:uuuu-MM-dd} does not extend the usage period ending {quote.UsagePeriodEnd:uuuu-MM-dd}", quote.Clause);
        }
    }

    /// <summary>A contract being cancelled or ended by the provider runs to that end: no extension is asked for or agreed.</summary>
    private static void EnsureNotEnding(ContractState state)
    {
        if (state.Cancellation is not null || state.Termination is not null || state.Status != ContractStatus.Active)
        {
            var clause = state.Cancellation?.Clause
                ?? state.ProviderEndClause
                ?? state.Deadlines.FirstOrDefault(d => d.Effect == DeadlineEffect.EndsContract)?.Milestone.Clause;
            throw new ContractRuleException("extension", $"contract {state.ContractId} is ending", clause, RefusalKind.Conflict);
        }
    }

    private static decimal? NonNegative(decimal? price, string field, string clause) =>
        price is < 0 ? throw new ContractRuleException(field, $"{price} is negative", clause) : price;

    private static Text PriceText(decimal? baseFee, decimal? unitPrice, LocalDate from)
    {
        if (baseFee is null && unitPrice is null)
        {
            return new Text(string.Empty, string.Empty);
        }

        var ja = string.Join("、", new[] { baseFee is { } b ? $"基本料金{Yen(b)}" : null, unitPrice is { } u ? $"料金単価{Yen(u)}" : null }.OfType<string>());
        var en = string.Join(", ", new[] { baseFee is { } b2 ? $"base fee {Yen(b2)}" : null, unitPrice is { } u2 ? $"unit price {Yen(u2)}" : null }.OfType<string>());
        return new Text($"（{from:uuuu-MM-dd}から{ja}）", $" ({en} from {from:uuuu-MM-dd})");
    }

    private static string Yen(decimal amount) => "¥" + amount.ToString("#,0.####", CultureInfo.InvariantCulture);
}
