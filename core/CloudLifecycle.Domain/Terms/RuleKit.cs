using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Core.Terms;

/// <summary>
/// The shapes of <see cref="DeadlineRule"/> that recur across the five contracts, each counted
/// one way for every product: periods after an event leave the event's day out (民法 §140), a
/// payment is late from the day after its due date moved off bank holidays (<see cref="PaymentDays"/>),
/// and 「直ちに」 makes a sum due on the event's day.
/// </summary>
internal static class RuleKit
{
    public const string PaymentDueMeaning = "the payment due date the invoice states";

    /// <summary>
    /// 「通知を受けたにもかかわらずn日を経過しても是正されない場合」 and the like: the n days run from the day
    /// after the notice; the last of them is the last day to cure; the consequence (termination) may
    /// follow from the next day.
    /// </summary>
    public static DeadlineRule CureThenTermination(string name, string clause, int days, string fromMeaning, string quoteJa) =>
        new(name, clause, fromMeaning, "the first day the contract may be terminated if the breach is not cured",
            notice => CivilPeriod.DayAfterDays(notice, days),
            (from, date) => new Text(
                $"{from:uuuu-MM-dd}の通知から{days}日（{from.PlusDays(1):uuuu-MM-dd}〜{date.PlusDays(-1):uuuu-MM-dd}、初日不算入）以内に是正されない場合（「{quoteJa}」）、{date:uuuu-MM-dd}から解除できます。是正の最終日は{date.PlusDays(-1):uuuu-MM-dd}です",
                $"after a notice on {from:uuuu-MM-dd} the {days} days run {from.PlusDays(1):uuuu-MM-dd} to {date.PlusDays(-1):uuuu-MM-dd} (the notice day is not counted): the last day to cure is {date.PlusDays(-1):uuuu-MM-dd}, and termination is possible from {date:uuuu-MM-dd}"))
        {
            PeriodLastDay = notice => CivilPeriod.LastDayOfDays(notice, days),
        };

    /// <summary>
    /// 「支払期日を経過してもなお支払わないとき」: the step (suspension, termination) is open from the day
    /// after the due date, the due date first moved to a bank business day. The last day to pay is
    /// <see cref="DeadlineRule.PeriodLastDay"/>.
    /// </summary>
    public static DeadlineRule AfterNonPayment(string name, string clause, string dateMeaning, Text step, Text conditions) =>
        new(name, clause, PaymentDueMeaning, dateMeaning,
            PaymentDays.FirstDayLate,
            (from, date) =>
            {
                var due = PaymentDays.DueDate(from);
                var moved = due == from
                    ? new Text(string.Empty, string.Empty)
                    : new Text($"（{from:uuuu-MM-dd}は金融機関の休日のため{due:uuuu-MM-dd}まで、民法§142）", $" ({from:uuuu-MM-dd} is a bank holiday, so {due:uuuu-MM-dd}, Civil Code §142)");
                return new Text(
                    $"支払期日{from:uuuu-MM-dd}{moved.Ja}を経過しても支払いがない場合、{date:uuuu-MM-dd}から{step.Ja}。{conditions.Ja}",
                    $"if payment due on {from:uuuu-MM-dd}{moved.En} has not arrived when that day has passed, {step.En} from {date:uuuu-MM-dd}. {conditions.En}");
            })
        {
            PeriodLastDay = PaymentDays.DueDate,
        };

    /// <summary>「直ちに」: the sum is due on the event's day itself (moved off a bank holiday like every due date).</summary>
    public static DeadlineRule DueAtOnce(string name, string clause, string fromMeaning, Text what, string quoteJa) =>
        new(name, clause, fromMeaning, "the due date of the sum",
            PaymentDays.DueDate,
            (from, date) => new Text(
                $"{what.Ja}は{from:uuuu-MM-dd}に直ちに支払期限となります（「{quoteJa}」）{MovedJa(from, date)}。遅延損害金は翌日から数えます",
                $"{what.En} falls due at once on {from:uuuu-MM-dd}{MovedEn(from, date)}; late interest counts from the next day"));

    /// <summary>「…月の翌月末日までに」 / 「翌月に」: due by the last day of the month after the event's month.</summary>
    public static DeadlineRule DueEndOfNextMonth(string name, string clause, string fromMeaning, Text what, string quoteJa) =>
        new(name, clause, fromMeaning, "the due date of the sum",
            from => PaymentDays.DueDate(from.ToYearMonth().PlusMonths(1).EndOfMonth()),
            (from, date) => new Text(
                $"{what.Ja}は{from:uuuu-MM-dd}の翌月末日（{from.ToYearMonth().PlusMonths(1).EndOfMonth():uuuu-MM-dd}）までに支払います（「{quoteJa}」）{MovedJa(from.ToYearMonth().PlusMonths(1).EndOfMonth(), date)}",
                $"{what.En} is due by the last day of the month after {from:uuuu-MM-dd} ({from.ToYearMonth().PlusMonths(1).EndOfMonth():uuuu-MM-dd}){MovedEn(from.ToYearMonth().PlusMonths(1).EndOfMonth(), date)}"));

    private static string MovedJa(LocalDate stated, LocalDate due) =>
        stated == due ? string.Empty : $"。{stated:uuuu-MM-dd}は金融機関の休日のため{due:uuuu-MM-dd}が期日です（民法§142）";

    private static string MovedEn(LocalDate stated, LocalDate due) =>
        stated == due ? string.Empty : $"; {stated:uuuu-MM-dd} is a bank holiday, so it is due on {due:uuuu-MM-dd} (Civil Code §142)";
}
