using CloudLifecycle.Core.Calendars;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Core.Terms;

/// <summary>
/// OPTAGE — Neutrix Cloud 契約約款 (seed 003) and コネクティビティ クラウド・ストレージ利用規約
/// (seed 004). The two texts match on every rule here except Neutrix's start-month rule (別表3-1).
/// </summary>
public sealed class OptageTerms : ContractTerms
{
    public const string ApplicationClause = "§8";
    public const string FormationClause = "§9";
    public const string MinimumTermClause = "§11-1";
    public const string EarlyTerminationClause = "§11-2";
    public const string CancellationClause = "§28";
    public const string ProviderTerminationClause = "§29-3";
    public const string DeemedNoticeClause = "§5-3";
    public const string DataDeletionClause = "§30";
    public const string ChargingClause = "別表3-1";

    /// <summary>§28: written notice 60 days before the desired date.</summary>
    public static readonly Period CancellationNotice = Period.FromDays(60);

    private OptageTerms(ProductCode product, bool startMonthResourceFeeRule)
    {
        Product = product;
        HasStartMonthResourceFeeRule = startMonthResourceFeeRule;
    }

    public static OptageTerms Neutrix { get; } = new(ProductCode.OptageNeutrix, startMonthResourceFeeRule: true);

    public static OptageTerms Storage { get; } = new(ProductCode.OptageStorage, startMonthResourceFeeRule: false);

    public override ProductCode Product { get; }

    public override BusinessCalendar Calendar => BusinessCalendars.Optage;

    /// <summary>Neutrix only (別表3-1): no resource fee for a start month when the start is on or after the 2nd business day.</summary>
    public bool HasStartMonthResourceFeeRule { get; }

    public override IReadOnlyList<DeadlineRule> DeadlineRules { get; } =
    [
        // §8: an application not answered within 60 days of receipt is deemed rejected.
        new("application-timeout", ApplicationClause, "the day the application was received",
            received => received.PlusDays(60),
            (from, date) => new Text(
                $"{from:uuuu-MM-dd}受付の申込みは、{date:uuuu-MM-dd}までに諾否の通知がなければ承諾されなかったものとみなされます",
                $"an application received on {from:uuuu-MM-dd} and not answered by {date:uuuu-MM-dd} (60 days) is deemed rejected")),
        // §5-3: a discontinuation posted on the website counts as notified to everyone 30 days after posting.
        new("deemed-notice", DeemedNoticeClause, "the day the discontinuation was posted on the website",
            posted => posted.PlusDays(30),
            (from, date) => new Text(
                $"{from:uuuu-MM-dd}にホームページに表示された終了の通知は、30日経過した{date:uuuu-MM-dd}に全契約者へ通知したものとみなされます",
                $"a discontinuation posted on {from:uuuu-MM-dd} counts as notified to every customer 30 days later, on {date:uuuu-MM-dd}")),
        // §29-3: the provider may end the contract on 30 days' notice (paying three months' fees).
        new("provider-termination", ProviderTerminationClause, "the day the provider gave notice",
            notice => notice.PlusDays(30),
            (from, date) => new Text(
                $"{from:uuuu-MM-dd}の当社からの通知による解除は{date:uuuu-MM-dd}以降（30日前通知、利用料金3か月分の支払いが条件）",
                $"termination by the provider on notice given {from:uuuu-MM-dd} takes effect on {date:uuuu-MM-dd} at the earliest (30 days' notice, against three months' fees)")),
    ];

    /// <summary>§11-1: the minimum term is one year from the start. Example: 2026-04-01 → 2027-03-31.</summary>
    public static LocalDate MinimumTermEnd(LocalDate start) => CivilPeriod.LastDayOfYears(start, 1);

    /// <summary>§11-1: after the minimum term, the contract extends one month at a time. Example: term ending 2027-03-31 → 2027-04-30.</summary>
    public static LocalDate NextExtensionEnd(LocalDate termEnd) => CivilPeriod.LastDayOfMonths(termEnd.PlusDays(1), 1);

    /// <summary>
    /// §11-1: either side may stop the extension by saying so one month before the term expires:
    /// the last day that leaves a full month of the term (<see cref="CivilPeriod.LatestDayLeaving"/>).
    /// Examples: 2027-03-31 → 2027-02-28; 2027-04-30 → 2027-03-31; 2027-04-14 → 2027-03-14.
    /// </summary>
    public static LocalDate RenewalDeclarationDeadline(LocalDate termEnd) => CivilPeriod.LatestDayLeaving(1, termEnd);

    /// <summary>
    /// §28: the notice deadline for cancelling on <paramref name="desired"/>: 60 days before it; when
    /// that day is a Saturday, Sunday or national holiday, the preceding OPTAGE business day.
    /// Example: desired 2027-03-31 → 60 days before is 2027-01-30 (Saturday) → 2027-01-29.
    /// The original moves the deadline only for Saturdays, Sundays and holidays (土曜、日曜、祝日):
    /// a weekday of the year-end closure or May 1 stays the deadline, and the explanation says the
    /// office is closed that day.
    /// </summary>
    public LocalDate CancellationNoticeDeadline(LocalDate desired)
    {
        var sixtyDaysBefore = desired.Minus(CancellationNotice);
        var movesBack = sixtyDaysBefore.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday
            || JapaneseHolidays.IsHoliday(sixtyDaysBefore);
        return movesBack ? Calendar.OnOrBefore(sixtyDaysBefore.PlusDays(-1)) : sixtyDaysBefore;
    }

    /// <summary>The earliest desired date on or after <paramref name="requested"/> whose §28 deadline a notice on <paramref name="notice"/> meets.</summary>
    public LocalDate EarliestCancellationDate(LocalDate notice, LocalDate requested)
    {
        var candidate = Max(requested, notice.Plus(CancellationNotice));
        while (CancellationNoticeDeadline(candidate) < notice)
        {
            candidate = candidate.PlusDays(1);
        }

        return candidate;
    }

    /// <summary>
    /// §11-2 (interpretation): months of the minimum term still owed when the contract ends on
    /// <paramref name="end"/>: the calendar months after the end's month through the month in which
    /// the minimum term ends (charges already run through the end's month, 別表3-1).
    /// Example: start 2026-04-01, end 2026-10-15 → November through March = 5.
    /// </summary>
    public static int RemainingMinimumTermMonths(LocalDate start, LocalDate end) =>
        CivilPeriod.MonthsAfterThrough(end.ToYearMonth(), MinimumTermEnd(start).ToYearMonth());

    /// <summary>
    /// 別表3-1 (Neutrix only): the first month the Neutrix Cloud resource fee is charged. A start on
    /// or after OPTAGE's 2nd business day of its month skips that month. Example: 2026-04-01
    /// (1st business day) → 2026-04; 2026-04-02 → 2026-05.
    /// </summary>
    public YearMonth FirstResourceFeeMonth(LocalDate start)
    {
        var startMonth = start.ToYearMonth();
        var skips = HasStartMonthResourceFeeRule && start >= Calendar.NthBusinessDayOfMonth(startMonth, 2);
        return skips ? startMonth.PlusMonths(1) : startMonth;
    }

    public override CancellationQuote QuoteCancellation(ContractDates contract, LocalDate notice, LocalDate requested)
    {
        ValidateCancellation(contract, notice, requested, CancellationClause);
        if (requested < notice)
        {
            throw new ContractRuleException("requested", $"the desired date {requested:uuuu-MM-dd} is before the notice date {notice:uuuu-MM-dd}", CancellationClause);
        }

        var deadline = CancellationNoticeDeadline(requested);
        var onTime = notice <= deadline;
        var effective = onTime ? requested : EarliestCancellationDate(notice, requested);
        var remaining = RemainingMinimumTermMonths(contract.Start, effective);
        var timing = onTime
            ? new Text(
                $"通知日{notice:uuuu-MM-dd}は期限{deadline:uuuu-MM-dd}（60日前、休日は直前の営業日）までのため、希望日{requested:uuuu-MM-dd}に解約となります",
                $"the notice ({notice:uuuu-MM-dd}) meets the deadline {deadline:uuuu-MM-dd} (60 days before, moved back from a weekend or holiday), so the contract ends on the desired {requested:uuuu-MM-dd}")
            : new Text(
                $"希望日{requested:uuuu-MM-dd}の解約には{deadline:uuuu-MM-dd}までの通知が必要なため、通知日{notice:uuuu-MM-dd}で間に合う最も早い日（{effective:uuuu-MM-dd}）が解約日となります",
                $"cancelling on {requested:uuuu-MM-dd} needs notice by {deadline:uuuu-MM-dd}; the earliest date a notice on {notice:uuuu-MM-dd} meets is {effective:uuuu-MM-dd}");
        var closed = Calendar.ClosureReason(deadline) is { } reason
            ? new Text($"（期限日{deadline:uuuu-MM-dd}は当社休業日（{reason}）です）", $" (the deadline {deadline:uuuu-MM-dd} falls on a closure day, {reason})")
            : new Text(string.Empty, string.Empty);
        var minimumTermEnd = MinimumTermEnd(contract.Start);
        var owed = remaining == 0
            ? new Text("最低利用期間の残月はありません。", "No months of the minimum term remain.")
            : new Text(
                $"最低利用期間（{minimumTermEnd:uuuu-MM-dd}まで）の残り{remaining}か月分の料金を一括で支払います（§11-2）。",
                $"The fees for the remaining {Text.Months(remaining)} of the minimum term (to {minimumTermEnd:uuuu-MM-dd}) are owed at once (§11-2).");
        return new CancellationQuote(Product, notice, requested, effective, deadline, onTime, CancellationClause,
            remaining, remaining == 0 ? null : EarlyTerminationClause,
            new Text($"{timing.Ja}{closed.Ja}。{owed.Ja}", $"{timing.En}{closed.En}. {owed.En}"));
    }

    /// <summary>別表3-3 leaves the due date to OPTAGE; the default is the end of the month after the charge month.</summary>
    public override LocalDate PaymentDueDate(YearMonth chargeMonth) => chargeMonth.PlusMonths(1).EndOfMonth();

    protected override IEnumerable<Milestone> Milestones(ContractDates contract, LocalDate horizon)
    {
        var start = contract.Start;
        yield return new Milestone(start, MilestoneKind.ContractStart, FormationClause, new Text(
            "利用開始日（利用契約の成立）", "usage starts (contract formed)"));

        if (HasStartMonthResourceFeeRule)
        {
            var feeMonth = FirstResourceFeeMonth(start);
            var date = feeMonth == start.ToYearMonth() ? start : feeMonth.FirstOfMonth();
            yield return new Milestone(date, MilestoneKind.ResourceFeeStart, ChargingClause, new Text(
                feeMonth == start.ToYearMonth()
                    ? "Neutrix Cloud利用料金の課金開始（利用開始月から）"
                    : "Neutrix Cloud利用料金の課金開始（第2営業日以降の開始のため翌月から）",
                feeMonth == start.ToYearMonth()
                    ? "Neutrix Cloud resource fee charged from the start month"
                    : "Neutrix Cloud resource fee charged from the next month (start on or after the 2nd business day)"));
        }

        var minimumTermEnd = MinimumTermEnd(start);
        var lastDay = contract.End ?? horizon;
        for (var termEnd = minimumTermEnd; ; termEnd = NextExtensionEnd(termEnd))
        {
            var declaration = RenewalDeclarationDeadline(termEnd);
            if (declaration > lastDay)
            {
                break;
            }

            if (declaration >= start)
            {
                yield return new Milestone(declaration, MilestoneKind.RenewalDeclarationDeadline, MinimumTermClause, new Text(
                    $"{termEnd:uuuu-MM-dd}満了で終了する場合の意思表示期限（1か月前）", $"last day to say the contract should end when its term expires on {termEnd:uuuu-MM-dd} (one month before)"));
            }

            if (termEnd > lastDay)
            {
                break;
            }

            yield return termEnd == minimumTermEnd
                ? new Milestone(termEnd, MilestoneKind.MinimumTermEnd, MinimumTermClause, new Text(
                    "最低利用期間（1年）の満了（以後1か月ごとに自動延長）", "minimum term (one year) ends; then extends one month at a time"))
                : new Milestone(termEnd, MilestoneKind.TermEnd, MinimumTermClause, new Text(
                    "延長期間の満了（意思表示がなければ1か月延長）", "extension month ends; extends again unless either side said otherwise"));
        }

        if (contract.End is { } end)
        {
            var deadline = CancellationNoticeDeadline(end);
            if (deadline >= start)
            {
                yield return new Milestone(deadline, MilestoneKind.CancellationNoticeDeadline, CancellationClause, new Text(
                    $"{end:uuuu-MM-dd}解約の書面通知期限（60日前、休日は直前の営業日）", $"last day for written notice to cancel on {end:uuuu-MM-dd} (60 days before, moved back from a weekend or holiday)"));
            }

            var remaining = RemainingMinimumTermMonths(start, end);
            if (remaining > 0)
            {
                yield return new Milestone(end, MilestoneKind.EarlyTerminationCharge, EarlyTerminationClause, new Text(
                    $"最低利用期間内の解約：残り{remaining}か月分の料金を一括請求", $"ends inside the minimum term: fees for the remaining {Text.Months(remaining)} owed at once"));
            }

            yield return new Milestone(end, MilestoneKind.CancellationEffective, CancellationClause, new Text(
                "解約日", "cancellation takes effect"));
            yield return new Milestone(end, MilestoneKind.DataDeletionDeadline, DataDeletionClause, new Text(
                "契約終了：データ・アカウントは削除され復元できません", "contract ends: data and accounts are deleted and cannot be restored"));
        }

        // 別表3-1: calendar months from the start month through the month of the end, no proration.
        foreach (var due in PaymentsDue(start.ToYearMonth(), lastDay.ToYearMonth(), ChargingClause))
        {
            yield return due;
        }
    }

    private static LocalDate Max(LocalDate a, LocalDate b) => a > b ? a : b;
}
