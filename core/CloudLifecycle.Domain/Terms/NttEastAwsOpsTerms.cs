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

    public override ProductCode Product => ProductCode.NttEastAwsOps;

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

    /// <summary>別紙2 第2表 備考: invoiced in the month after the charge month, due by the end of that invoice month.</summary>
    public override LocalDate PaymentDueDate(YearMonth chargeMonth) => chargeMonth.PlusMonths(1).EndOfMonth();

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
        foreach (var due in PaymentsDue(firstCharged, lastMonth, PaymentClause))
        {
            yield return due;
        }
    }
}
