using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle.Decider;

/// <summary>Checks several trigger families share; each throws a <see cref="ContractRuleException"/> naming the field.</summary>
internal static class Guards
{
    /// <summary>A month is invoiced only once it has ended.</summary>
    public static void EnsureMonthEnded(YearMonth month, LocalDate today)
    {
        if (month.EndOfMonth() >= today)
        {
            throw new ContractRuleException("month", $"{month:uuuu-MM} has not ended yet on {today:uuuu-MM-dd}");
        }
    }

    /// <summary>An invoiced month is closed: what it billed is not rewritten.</summary>
    public static void EnsureNotInvoiced(ContractState state, YearMonth month, string field)
    {
        if (state.InvoicedMonths.Contains(month))
        {
            throw new ContractRuleException(field, $"{month:uuuu-MM} is already invoiced ({InvoiceAssembler.Number(state.ContractId, month)})", kind: RefusalKind.Conflict);
        }
    }

    /// <summary>An event is told after it happened, never before.</summary>
    public static void EnsureNotFuture(LocalDate date, LocalDate today, string field)
    {
        if (date > today)
        {
            throw new ContractRuleException(field, $"{date:uuuu-MM-dd} is in the future (today is {today:uuuu-MM-dd})");
        }
    }
}
