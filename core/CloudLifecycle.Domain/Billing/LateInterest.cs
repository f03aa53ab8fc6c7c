using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Core.Billing;

/// <summary>
/// A product's late-payment interest: an annual rate on a 365-day basis (even in leap years), from
/// the day after the due date to the day before payment — or through the payment day where the
/// clause says so — with an optional grace period inside which no interest is charged.
/// </summary>
public sealed record LateInterestPolicy(decimal AnnualRate, bool CountsPaymentDay, int WaiverDays, RoundingRule Rounding, string Clause)
{
    public const int DaysInYear = 365;

    public LateInterest Compute(long amount, LocalDate due, LocalDate paid)
    {
        if (amount < 0)
        {
            throw new ContractRuleException("amount", "the overdue amount cannot be negative", Clause);
        }

        if (paid < due)
        {
            throw new ContractRuleException("paid", $"the payment date {paid:uuuu-MM-dd} is before the due date {due:uuuu-MM-dd}", Clause);
        }

        var firstDay = PaymentDays.FirstDayLate(due); // the day after the due date, moved off a bank holiday first (民法 §142)
        var lastDay = CountsPaymentDay ? paid : paid.PlusDays(-1);
        var days = Math.Max(0, Period.Between(firstDay, lastDay, PeriodUnits.Days).Days + 1);
        var waiverLastDay = firstDay.PlusDays(WaiverDays - 1); // the waiver's days are counted from the same first day (NTT §19 「支払期日の翌日から起算して15日以内」)
        var waived = WaiverDays > 0 && paid <= waiverLastDay;
        var interest = waived ? 0 : Rounding.Apply(amount * AnnualRate * days / DaysInYear);
        var counted = CountsPaymentDay ? "through the payment day" : "to the day before payment";
        var explanation = waived
            ? new Text(
                $"支払期日の翌日から{WaiverDays}日以内（{waiverLastDay:uuuu-MM-dd}まで）の支払いのため延滞利息はかかりません",
                $"paid within {WaiverDays} days of the due date (by {waiverLastDay:uuuu-MM-dd}), so no interest is charged")
            : new Text(
                $"{amount:N0}円 × 年{AnnualRate * 100:0.###}% × {days}日 ÷ {DaysInYear}日（{firstDay:uuuu-MM-dd}から{(CountsPaymentDay ? "支払日" : "支払日の前日")}まで）",
                $"¥{amount:N0} × {AnnualRate * 100:0.###}% a year × {days} days ÷ {DaysInYear} (from {firstDay:uuuu-MM-dd} {counted})");
        return new LateInterest(amount, due, paid, days, AnnualRate, interest, waived, Clause, explanation);
    }
}

public sealed record LateInterest(
    long Amount,
    LocalDate DueDate,
    LocalDate PaidOn,
    int Days,
    decimal Rate,
    long Interest,
    bool Waived,
    string Clause,
    Text Explanation);
