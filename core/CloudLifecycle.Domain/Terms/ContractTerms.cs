using CloudLifecycle.Core.Calendars;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Core.Terms;

/// <summary>
/// The executable terms of one product: its date rules, its lifecycle plan and its quotes.
/// One subclass per contract text; shared mechanics (validation, plan assembly, payment
/// milestones) live here so that a subclass only states its own clauses.
/// </summary>
public abstract class ContractTerms
{
    /// <summary>Open-ended contracts are planned this far ahead unless a horizon is given.</summary>
    public static readonly Period DefaultOpenEndedHorizon = Period.FromYears(2);

    public abstract ProductCode Product { get; }

    public abstract BusinessCalendar Calendar { get; }

    /// <summary>Rules that turn one event's date into a deadline (cure periods, notice periods…).</summary>
    public virtual IReadOnlyList<DeadlineRule> DeadlineRules => [];

    /// <summary>
    /// Every milestone from the start through <paramref name="through"/>, sorted by
    /// <see cref="Milestone.Order"/>. Without a horizon, a contract with an end is planned to its
    /// last milestone and an open-ended one for <see cref="DefaultOpenEndedHorizon"/>.
    /// </summary>
    public LifecyclePlan Plan(ContractDates contract, LocalDate? through = null)
    {
        Validate(contract);
        if (through is { } requested)
        {
            if (requested > JapaneseHolidays.LastCoveredDay)
            {
                throw new ContractRuleException("through", $"the horizon {requested:uuuu-MM-dd} is after {JapaneseHolidays.LastCoveredDay:uuuu-MM-dd}, the end of the holiday calendar");
            }

            if (requested < contract.Start)
            {
                throw new ContractRuleException("through", $"the horizon {requested:uuuu-MM-dd} is before the start {contract.Start:uuuu-MM-dd}");
            }
        }

        var horizon = through ?? DefaultHorizon(contract);
        var milestones = Milestones(contract, horizon)
            .Where(m => m.Date <= horizon)
            .Order(Milestone.Order)
            .ToList();
        return new LifecyclePlan(Product, contract, horizon, milestones);
    }

    public abstract CancellationQuote QuoteCancellation(ContractDates contract, LocalDate notice, LocalDate requested);

    public virtual ExtensionQuote QuoteExtension(ContractDates contract) =>
        throw new ContractRuleException("product", $"{Product} has no extension request rule; extension quotes are for {ProductCode.NecExpress5800}");

    public virtual RemovalQuote QuoteRemoval(ContractDates contract) =>
        throw new ContractRuleException("product", $"{Product} provides no equipment; removal quotes are for {ProductCode.NecExpress5800}");

    /// <summary>Applies one of <see cref="DeadlineRules"/> by name to an event date.</summary>
    public DeadlineQuote QuoteDeadline(string rule, LocalDate from)
    {
        var found = FindRule(rule);
        EnsureCovered(from, "from");
        var date = found.Compute(from);
        EnsureCovered(date, "from");
        return new DeadlineQuote(Product, found.Name, from, date, found.Clause, found.Explain(from, date),
            found.FromMeaning, found.DateMeaning, found.PeriodLastDay?.Invoke(from));
    }

    /// <summary>
    /// Reads one of <see cref="DeadlineRules"/> backwards: from a resulting date (a service end, a
    /// price change), the last day the event (the notice) may happen to reach it. Example (eclect-aws
    /// §30-2): ending on 2026-12-20 must be announced by 2026-11-25.
    /// </summary>
    public DeadlineQuote QuoteNoticeDeadline(string rule, LocalDate end)
    {
        var found = FindRule(rule);
        var reverse = found.Reverse
            ?? throw new ContractRuleException("end", $"the rule '{found.Name}' of {Product} answers from {found.FromMeaning} only, not backwards from a date it leads to", found.Clause);
        EnsureCovered(end, "end");
        var date = reverse.Compute(end);
        EnsureCovered(date, "end");
        return new DeadlineQuote(Product, found.Name, end, date, found.Clause, reverse.Explain(end, date), reverse.FromMeaning, reverse.DateMeaning);
    }

    /// <summary>
    /// Checks the end a provider states in its notice against the rule's earliest end: the service
    /// or contract ends on the stated day (any day), no earlier than the notice period allows; an end
    /// too early is refused naming field <c>endDate</c> and the rule's clause. Example (eclect-aws
    /// §30-2): a notice on 2026-11-14 may state 2026-12-09 or later; 2026-12-08 is refused.
    /// </summary>
    public ProviderEndQuote ValidateProviderEnd(string rule, LocalDate noticeDate, LocalDate statedEnd)
    {
        var found = FindRule(rule);
        if (!found.BoundsStatedEnd)
        {
            var enders = DeadlineRules.Where(r => r.BoundsStatedEnd).Select(r => r.Name).ToList();
            throw new ContractRuleException("rule", enders.Count == 0
                ? $"{Product} has no rule by which the provider ends the service on notice"
                : $"'{found.Name}' is not a provider notice that ends {Product}; expected one of {string.Join(", ", enders)}", found.Clause);
        }

        EnsureCovered(noticeDate, "noticeDate");
        EnsureCovered(statedEnd, "endDate");
        var earliest = found.Compute(noticeDate);
        if (statedEnd < earliest)
        {
            throw new ContractRuleException("endDate",
                $"the end {statedEnd:uuuu-MM-dd} is too early: after a notice on {noticeDate:uuuu-MM-dd} the earliest end is {earliest:uuuu-MM-dd} ({found.DateMeaning})", found.Clause);
        }

        var earliestText = found.Explain(noticeDate, earliest);
        return new ProviderEndQuote(Product, found.Name, noticeDate, earliest, statedEnd, found.Clause, new Text(
            $"{earliestText.Ja}。通知で示された終了日{statedEnd:uuuu-MM-dd}に終了します",
            $"{earliestText.En}; the service ends on the day the notice states, {statedEnd:uuuu-MM-dd}"));
    }

    private DeadlineRule FindRule(string rule) =>
        DeadlineRules.FirstOrDefault(r => r.Name == rule)
            ?? throw new ContractRuleException("rule", DeadlineRules.Count == 0
                ? $"{Product} has no deadline rules"
                : $"unknown rule '{rule}' for {Product}; expected one of {string.Join(", ", DeadlineRules.Select(r => r.Name))}");

    /// <summary>The milestones of the contract; those after the horizon are dropped by the caller.</summary>
    protected abstract IEnumerable<Milestone> Milestones(ContractDates contract, LocalDate horizon);

    /// <summary>Checks the dates every product needs; a subclass adds its own rules.</summary>
    protected virtual void Validate(ContractDates contract)
    {
        EnsureCovered(contract.Start, "start");
        if (contract.End is { } end)
        {
            EnsureCovered(end, "end");
            if (end < contract.Start)
            {
                throw new ContractRuleException("end", $"the end {end:uuuu-MM-dd} is before the start {contract.Start:uuuu-MM-dd}");
            }
        }

        if (contract.RemovalDate is not null && Product != ProductCode.NecExpress5800)
        {
            throw new ContractRuleException("removalDate", $"{Product} provides no equipment to remove");
        }
    }

    /// <summary>Checks a notice and a requested date against the contract before quoting a cancellation.</summary>
    protected void ValidateCancellation(ContractDates contract, LocalDate notice, LocalDate requested, string clause)
    {
        Validate(contract);
        EnsureCovered(notice, "notice");
        EnsureCovered(requested, "requested");
        if (notice < contract.Start)
        {
            throw new ContractRuleException("notice", $"the notice date {notice:uuuu-MM-dd} is before the contract start {contract.Start:uuuu-MM-dd}", clause);
        }
    }

    /// <summary>
    /// Contract dates must lie one year inside the holiday calendar (2000–2099), so that every
    /// deadline they lead to (60 or 90 days before, 13 months before, 30 days and 10 business days
    /// after) can be moved by business days too.
    /// </summary>
    protected static void EnsureCovered(LocalDate date, string field)
    {
        if (date.Year <= JapaneseHolidays.FirstYear || date.Year >= JapaneseHolidays.LastYear)
        {
            throw new ContractRuleException(field,
                $"{date:uuuu-MM-dd} is outside the supported years {JapaneseHolidays.FirstYear + 1}–{JapaneseHolidays.LastYear - 1} (the holiday calendar covers {JapaneseHolidays.FirstYear}–{JapaneseHolidays.LastYear})");
        }
    }

    /// <summary>
    /// Payment-due milestones for each charged month, as the product's invoice clause sets them, up to
    /// <paramref name="horizon"/>: <see cref="Plan"/> keeps no milestone after its horizon, and a later month's
    /// charges are never due earlier (each clause states a fixed month-end after the charge month, and moving a
    /// date to the next bank business day keeps that order), so the months after the first one due past the
    /// horizon are not built at all. A fixed-term contract (nec-express5800, five years) no longer formats every
    /// month of its term on every round (issue 17).
    /// </summary>
    protected IEnumerable<Milestone> PaymentsDue(YearMonth firstMonth, YearMonth lastMonth, string clause, LocalDate horizon)
    {
        foreach (var month in firstMonth.MonthsThrough(lastMonth))
        {
            var stated = StatedPaymentDueDate(month);
            var due = PaymentDueDate(month);
            if (due > horizon)
            {
                yield break;
            }

            yield return new Milestone(due, MilestoneKind.PaymentDue, clause, () => due == stated
                ? new Text($"{month.Year}年{month.Month}月分の支払期日", $"payment due for {month:uuuu-MM}")
                : new Text(
                    $"{month.Year}年{month.Month}月分の支払期日（{stated:uuuu-MM-dd}は金融機関の休日のため翌営業日、民法§142）",
                    $"payment due for {month:uuuu-MM} ({stated:uuuu-MM-dd} is a bank holiday, so the next bank business day, Civil Code §142)"));
        }
    }

    /// <summary>
    /// The payment due date of the charges for <paramref name="chargeMonth"/>: the day the product's
    /// clause states (<see cref="StatedPaymentDueDate"/>), moved to the next bank business day when the
    /// banks are closed on it (<see cref="PaymentDays"/>, 民法 §142). Example (eclect-aws §16-2): October
    /// 2026's charges are due 2026-12-31, a bank holiday, so 2027-01-04.
    /// </summary>
    public LocalDate PaymentDueDate(YearMonth chargeMonth) => PaymentDays.DueDate(StatedPaymentDueDate(chargeMonth));

    /// <summary>The payment due date of the charges for <paramref name="chargeMonth"/> as the product's clause states it.</summary>
    public abstract LocalDate StatedPaymentDueDate(YearMonth chargeMonth);

    private LocalDate DefaultHorizon(ContractDates contract)
    {
        if (contract.End is null)
        {
            var openEnded = contract.Start.Plus(DefaultOpenEndedHorizon);
            return openEnded <= JapaneseHolidays.LastCoveredDay ? openEnded : JapaneseHolidays.LastCoveredDay;
        }

        return Milestones(contract, JapaneseHolidays.LastCoveredDay).Max(m => m.Date);
    }
}
