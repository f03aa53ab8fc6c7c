using CloudLifecycle.Core.Calendars;
using NodaTime;

namespace CloudLifecycle.Core.Time;

/// <summary>
/// Our one rule for a payment due date that falls on a day the banks are closed, used by every
/// product's payment due date and by late interest (where it starts counting).
///
/// Every contract here has the customer pay by bank transfer by a day (eclect-aws §16-2
/// 「…翌々月末日までに、当社が指定する銀行口座への振込により」; NEC §5-1 「…翌月末日までに…銀行口座に振込む方法により」;
/// NTT 別紙2 「請求書発行日の月末までに」 at 「金融機関等」 (§22); OPTAGE 別表3-3 「当社が指定する期日までに…金融機関等において」),
/// and none says what happens when that day is a bank holiday. We apply the Civil Code: 「期間の末日が日曜日、
/// 国民の祝日に関する法律に規定する休日その他の休日に当たるときは、その日に取引をしない慣習がある場合に限り、
/// 期間は、その翌日に満了する」 (民法 §142). Banks do not transact on their statutory holidays
/// (銀行法 §15, 同施行令 §5: Saturdays, Sundays, national holidays and 12/31–1/3), so that custom exists
/// for a bank transfer, and a due date on such a day moves to the next bank business day. We read
/// it for due dates fixed as a day (「末日までに」) as for the last day of a period: the customer has
/// the whole of that day to pay, and a day the banks are closed is not such a day. Consequences: no
/// late interest, overdue notice, suspension or termination for non-payment before the moved date has
/// passed. Examples: 2026-12-31 (bank holiday) → 2027-01-04 (Monday); 2027-01-31 (Sunday) → 2027-02-01;
/// 2026-11-30 (Monday) stays.
/// </summary>
public static class PaymentDays
{
    /// <summary>The clause our rule rests on, shown next to a due date it moved.</summary>
    public const string HolidayRule = "民法§142";

    private static readonly IReadOnlySet<IsoDayOfWeek> Weekend =
        new HashSet<IsoDayOfWeek> { IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday };

    /// <summary>The banks' calendar (銀行法施行令 §5): closed on weekends, national holidays and 12/31–1/3.</summary>
    public static readonly BusinessCalendar Banks = new("jp-bank", Weekend, ClosedOnNationalHolidays: true,
        [new AnnualClosure("金融機関の休日（12/31–1/3）", new Calendars.AnnualDate(12, 31), new Calendars.AnnualDate(1, 3))]);

    /// <summary>
    /// The day a payment stated as due on <paramref name="stated"/> is really due: the same day when
    /// banks are open, else the next bank business day (民法 §142). Applying it twice changes nothing.
    /// </summary>
    public static LocalDate DueDate(LocalDate stated) => Banks.OnOrAfter(stated);

    /// <summary>The first day a payment due on <paramref name="stated"/> is late: the day after the (moved) due date.</summary>
    public static LocalDate FirstDayLate(LocalDate stated) => DueDate(stated).PlusDays(1);

    /// <summary>True when <paramref name="stated"/> moves because the banks are closed that day.</summary>
    public static bool Moves(LocalDate stated) => DueDate(stated) != stated;
}
