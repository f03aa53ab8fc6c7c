using CloudLifecycle.Core.Calendars;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Core.Terms;

/// <summary>
/// NTT East — クラウド導入・運用サービス(Amazon Web Services版)利用規約 (seed 002). No notice
/// period; operations are charged by whole months from the month after they start.
/// </summary>
public sealed class NttEastAwsOpsTerms : ContractTerms
{
    public const string CancellationClause = "§15-2";
    public const string ChargingClause = "§35-1";
    public const string ConfigurationDeletionClause = "§40-2";
    public const string PaymentClause = "別紙2 第2表 備考";

    public const string DiscontinuationClause = "§14-2";
    public const string ProviderTerminationClause = "§16";
    public const string SuspensionClause = "§34-1(1)";

    /// <summary>The suspension is notified beforehand: its reason, day and period.</summary>
    public const string SuspensionNoticeClause = "§34-2";
    public const string LateInterestClause = "§19";

    /// <summary>§19: no late interest when paid 「支払期日の翌日から起算して15日以内」.</summary>
    public const int LateInterestWaiverDays = 15;

    public override ProductCode Product => ProductCode.NttEastAwsOps;

    public override IReadOnlyList<DeadlineRule> DeadlineRules { get; } =
    [
        // §14-2 「あらかじめその理由、本サービスの提供を終了する日を契約者に通知し、当該終了日をもって本契約の解除日とします」:
        // the contract ends on the day NTT states; no length of notice is set, only that it comes
        // before (「あらかじめ」), so the stated day must be after the notice's day.
        new("discontinuation", DiscontinuationClause, "the day NTT notified the end of the service",
            "the earliest day the service (and the contract) may end",
            notice => notice.PlusDays(1),
            (from, date) => new Text(
                $"{from:uuuu-MM-dd}の通知による本サービス提供の終了日（＝解除日）は、当社が通知する日で、通知より後（{date:uuuu-MM-dd}以降）です（「あらかじめ…終了する日を契約者に通知し」、予告期間の定めなし）",
                $"after a notice on {from:uuuu-MM-dd} the service and the contract end on the day NTT states, after the notice ({date:uuuu-MM-dd} or later); §14-2 sets no length of notice"))
        {
            BoundsStatedEnd = true,
        },

        // §16 「あらかじめ契約者に通知した後、本契約を解除することができます」 (grounds (1)–(4); (5) needs no notice):
        // the termination day is the one NTT states, after its notice.
        new("provider-termination", ProviderTerminationClause, "the day NTT notified the termination",
            "the earliest day the termination may take effect",
            notice => notice.PlusDays(1),
            (from, date) => new Text(
                $"{from:uuuu-MM-dd}の通知による解除は、通知より後の当社が示す日（{date:uuuu-MM-dd}以降）に効力を生じます（第16条第1号〜第4号。第5号は通知不要）",
                $"a termination notified on {from:uuuu-MM-dd} takes effect on the day NTT states, after the notice ({date:uuuu-MM-dd} or later); grounds (1)–(4) of §16 (ground (5) needs no notice)"))
        {
            BoundsStatedEnd = true,
        },

        // §34-1(1) 「料金その他の債務について、支払期日を経過してもなお支払わないとき」; the suspension lasts
        // 「その料金その他の債務が支払われるまでの間」 (the 6-month limit is for the other grounds); §34-2: NTT
        // notifies the reason, the day and the period beforehand unless urgent.
        RuleKit.AfterNonPayment("nonpayment-suspension", SuspensionClause, "the first day operations may be suspended",
            new Text("運用メニューの利用を停止できます", "NTT may suspend the operations menu"),
            new Text("停止の前に理由、停止する日および期間を通知します（第34条第2項）。料金不払による停止は支払われるまで続きます（6か月の上限は他の事由の場合です）。停止された契約者がなお解消しないときは、通知の後に解除されることがあります（第16条第1号）",
                "NTT first notifies the reason, the day and the period (§34-2); a suspension for non-payment lasts until payment (the 6-month limit applies to the other grounds); if still unpaid, NTT may terminate after notice (§16(1))")) with
        {
            AdvanceNoticeClause = SuspensionNoticeClause,
        },

        // §19 「支払期日の翌日から起算して15日以内に支払いがあった場合は、この限りではありません」: the 15 days are
        // counted from the day after the (moved) due date, that day included (「翌日から起算して」).
        new("late-interest-waiver", LateInterestClause, RuleKit.PaymentDueMeaning,
            "the last day a late payment owes no late interest",
            due => PaymentDays.DueDate(due).PlusDays(LateInterestWaiverDays),
            (from, date) => new Text(
                $"支払期日{from:uuuu-MM-dd}の翌日から起算して15日以内（{date:uuuu-MM-dd}まで）に支払えば延滞利息はかかりません。{date.PlusDays(1):uuuu-MM-dd}以降の支払いは期日の翌日から支払日の前日まで年14.5%",
                $"paid within 15 days counted from the day after the due date {from:uuuu-MM-dd} (by {date:uuuu-MM-dd}), no late interest is owed; paid from {date.PlusDays(1):uuuu-MM-dd}, 14.5% a year from the day after the due date to the day before payment")),
    ];

    public override BusinessCalendar Calendar => BusinessCalendars.JapaneseProvider;

    /// <summary>
    /// §15-2: the contract ends on the requested date, or on the day the request arrives when the
    /// requested date is earlier. Examples: arrives 2026-11-10 asking 2026-11-30 → 2026-11-30;
    /// asking 2026-11-01 → 2026-11-10.
    /// </summary>
    public static LocalDate CancellationDate(LocalDate arrival, LocalDate requested) =>
        requested < arrival ? arrival : requested;

    /// <summary>
    /// §35-1: operations are charged from the 1st of the month after they start; a contract
    /// cancelled in the month operations started pays that month. Example: start 2026-10-15 →
    /// first charged month 2026-11; start 2026-10-15 cancelled 2026-10-31 → 2026-10.
    /// </summary>
    public static YearMonth FirstChargedMonth(LocalDate operationsStart, LocalDate? cancellation)
    {
        var startMonth = operationsStart.ToYearMonth();
        return cancellation is { } c && c.ToYearMonth() == startMonth ? startMonth : startMonth.PlusMonths(1);
    }

    public override CancellationQuote QuoteCancellation(ContractDates contract, LocalDate notice, LocalDate requested)
    {
        ValidateCancellation(contract, notice, requested, CancellationClause);
        var effective = CancellationDate(notice, requested);
        var reason = effective == requested
            ? new Text(
                $"申出の到達日{notice:uuuu-MM-dd}以降の解除希望日のため、{requested:uuuu-MM-dd}に解除となります（予告期間なし）",
                $"no notice period applies: the contract ends on the requested {requested:uuuu-MM-dd}, on or after the request arrived ({notice:uuuu-MM-dd})")
            : new Text(
                $"解除希望日{requested:uuuu-MM-dd}が申出の到達日より前のため、到達日{notice:uuuu-MM-dd}が解除日となります",
                $"the requested date {requested:uuuu-MM-dd} is before the request arrived, so the contract ends on the arrival date {notice:uuuu-MM-dd}");
        var lastMonth = effective.ToYearMonth();
        var charged = FirstChargedMonth(contract.Start, effective);
        var months = CivilPeriod.MonthsAfterThrough(charged.PlusMonths(-1), lastMonth);
        var charging = new Text(
            $"運用メニューは{charged:uuuu-MM}から{lastMonth:uuuu-MM}まで（{months}か月）課金されます（§35-1）",
            $"operations are charged from {charged:uuuu-MM} through {lastMonth:uuuu-MM} ({Text.Months(months)}, §35-1)");
        return new CancellationQuote(Product, notice, requested, effective, NoticeDeadline: null,
            NoticeOnTime: true, CancellationClause, RemainingMonths: 0, RemainingMonthsClause: null,
            new Text($"{reason.Ja}。{charging.Ja}", $"{reason.En}. {charging.En}"));
    }

    /// <summary>別紙2 備考 「月額料金が発生した月の翌月に…請求書を発行し、契約者請求書発行日の月末までにこれを支払う」: due by the end of the invoice month.</summary>
    public override LocalDate StatedPaymentDueDate(YearMonth chargeMonth) => chargeMonth.PlusMonths(1).EndOfMonth();

    protected override IEnumerable<Milestone> Milestones(ContractDates contract, LocalDate horizon)
    {
        var start = contract.Start;
        yield return new Milestone(start, MilestoneKind.ContractStart, ChargingClause, new Text(
            "運用メニューの提供開始", "operations begin"));

        var firstCharged = FirstChargedMonth(start, contract.End);
        yield return new Milestone(firstCharged.FirstOfMonth(), MilestoneKind.FirstChargedMonth, ChargingClause, new Text(
            $"運用メニュー料金の課金開始（{firstCharged.Year}年{firstCharged.Month}月分から）", $"operations charges begin ({firstCharged:uuuu-MM})"));

        if (contract.End is { } end)
        {
            yield return new Milestone(end, MilestoneKind.CancellationEffective, CancellationClause, new Text(
                "解除日", "cancellation takes effect"));
            yield return new Milestone(end, MilestoneKind.DataDeletionDeadline, ConfigurationDeletionClause, new Text(
                "サービス用に取得した設定情報の削除", "configuration data collected for the service is deleted"));
        }

        var lastMonth = (contract.End ?? horizon).ToYearMonth();
        foreach (var due in PaymentsDue(firstCharged, lastMonth, PaymentClause, horizon))
        {
            yield return due;
        }
    }
}
