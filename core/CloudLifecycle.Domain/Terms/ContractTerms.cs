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

    private static readonly LocalDate LastCoveredDay = new(JapaneseHolidays.LastYear, 12, 31);

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
            if (requested > LastCoveredDay)
            {
                throw new ContractRuleException("through", $"the horizon {requested:uuuu-MM-dd} is after {LastCoveredDay:uuuu-MM-dd}, the end of the holiday calendar");
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
        var found = DeadlineRules.FirstOrDefault(r => r.Name == rule)
            ?? throw new ContractRuleException("rule", DeadlineRules.Count == 0
                ? $"{Product} has no deadline rules"
                : $"unknown rule '{rule}' for {Product}; expected one of {string.Join(", ", DeadlineRules.Select(r => r.Name))}");
        EnsureCovered(from, "from");
        var date = found.Compute(from);
        EnsureCovered(date, "from");
        return new DeadlineQuote(Product, found.Name, from, date, found.Clause, found.Explain(from, date));
    }

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

    /// <summary>Payment-due milestones for each charged month, as the product's invoice clause sets them.</summary>
    protected IEnumerable<Milestone> PaymentsDue(YearMonth firstMonth, YearMonth lastMonth, string clause)
    {
        foreach (var month in firstMonth.MonthsThrough(lastMonth))
        {
            yield return new Milestone(PaymentDueDate(month), MilestoneKind.PaymentDue, clause, new Text(
                $"{month.Year}年{month.Month}月分の支払期日",
                $"payment due for {month:uuuu-MM}"));
        }
    }

    /// <summary>The payment due date of the charges for <paramref name="chargeMonth"/>.</summary>
    public abstract LocalDate PaymentDueDate(YearMonth chargeMonth);

    private LocalDate DefaultHorizon(ContractDates contract)
    {
        if (contract.End is null)
        {
            var openEnded = contract.Start.Plus(DefaultOpenEndedHorizon);
            return openEnded <= LastCoveredDay ? openEnded : LastCoveredDay;
        }

        return Milestones(contract, LastCoveredDay).Max(m => m.Date);
    }
}
