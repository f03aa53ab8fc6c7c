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

    public const string DiscontinuationClause = "§5-2";
    public const string SuspensionClause = "§18-1(1)";

    /// <summary>§8: 「申し込みを受けた日から60日以内に結果の通知を行わなかった場合」.</summary>
    public const int ApplicationAnswerDays = 60;

    /// <summary>§5-3: 「表示後30日経過した時点で全ての契約者に通知したとみなされる」.</summary>
    public const int PostingDays = 30;

    /// <summary>§29-3: 「契約者に対する30日前の通知をもって」.</summary>
    public const int ProviderTerminationNoticeDays = 30;

    /// <summary>§29-3: the provider pays three months of the fees in force at the notice (tax excluded).</summary>
    public const int ProviderTerminationPayoutMonths = 3;

    public override IReadOnlyList<DeadlineRule> DeadlineRules { get; } =
    [
        // §8 「申し込みを受けた日から60日以内に結果の通知を行わなかった場合、当社は当該申し込みを承諾しなかったものと
        // みなします」: the 60 days run from the day after receipt (民法 §140); the last of them is the last
        // day OPTAGE may answer, and from the next day the application counts as rejected.
        new("application-timeout", ApplicationClause, "the day the application was received",
            "the first day the application counts as rejected if unanswered",
            received => CivilPeriod.DayAfterDays(received, ApplicationAnswerDays),
            (from, date) => new Text(
                $"{from:uuuu-MM-dd}受付の申込みは、60日以内（{from.PlusDays(1):uuuu-MM-dd}〜{date.PlusDays(-1):uuuu-MM-dd}、初日不算入）に諾否の通知がなければ、{date:uuuu-MM-dd}から承諾されなかったものとみなされます",
                $"an application received on {from:uuuu-MM-dd} may be answered until {date.PlusDays(-1):uuuu-MM-dd} (60 days, that day not counted); unanswered, it counts as rejected from {date:uuuu-MM-dd}"))
        {
            PeriodLastDay = received => CivilPeriod.LastDayOfDays(received, ApplicationAnswerDays),
        },

        // §5-2/§5-3: OPTAGE tells customers beforehand (「事前に」) why and when the service stops; the notice
        // is a posting on its website (「当社ホームページ上に表示することにより行う」) and counts as given to every
        // customer 「表示後30日経過した時点」: the 30 days after the posting day pass at the end of its 30th
        // day. The service stops on the day the notice states (§5-2 「サービスを停止する時期」), which must
        // come after that; §5 sets no other minimum. The posting only says when customers count as
        // notified: it is not itself the end.
        new("deemed-notice", DeemedNoticeClause, "the day the discontinuation was posted on the website",
            "the earliest day the service may stop (its last day), after the posting counts as notified",
            posted => CivilPeriod.DayAfterDays(posted, PostingDays),
            (from, date) => new Text(
                $"{from:uuuu-MM-dd}にホームページに表示された終了の通知は、30日（{from.PlusDays(1):uuuu-MM-dd}〜{date.PlusDays(-1):uuuu-MM-dd}）を経過した時点で全契約者に通知したものとみなされます。終了日は通知に示された停止の時期で、{date:uuuu-MM-dd}以降です（第5条第2項「事前に」）",
                $"a discontinuation posted on {from:uuuu-MM-dd} counts as notified to every customer once the 30 days {from.PlusDays(1):uuuu-MM-dd} to {date.PlusDays(-1):uuuu-MM-dd} have passed; the service stops on the day the notice states, {date:uuuu-MM-dd} or later (§5-2 「事前に」)"))
        {
            PeriodLastDay = posted => CivilPeriod.LastDayOfDays(posted, PostingDays),
            BoundsStatedEnd = true,
            Reverse = new("the day the service stops (its last day)", "the last day to post the notice",
                end => end.PlusDays(-(PostingDays + 1)),
                (from, date) => new Text(
                    $"{from:uuuu-MM-dd}に本サービスを終了するには、{date:uuuu-MM-dd}までにホームページに表示する必要があります（表示後30日経過で通知とみなされ、その後に終了）",
                    $"stopping the service on {from:uuuu-MM-dd} needs the posting by {date:uuuu-MM-dd}: it counts as notified 30 days after, before the stop")),
        },

        // §29-3 「契約者に対する30日前の通知をもって、いつでも、利用契約を解除することができる」 against 「通知を行った時点
        // での…利用料金(消費税相当額を除きます。)3カ月分に相当する金員」: the end is the day OPTAGE states, at least
        // 30 days after the notice (「30日前」 read as §28's 「60日前」).
        new("provider-termination", ProviderTerminationClause, "the day the provider gave notice",
            "the earliest day the termination may take effect",
            notice => notice.PlusDays(ProviderTerminationNoticeDays),
            (from, date) => new Text(
                $"{from:uuuu-MM-dd}の当社からの通知による解除は、その30日後の{date:uuuu-MM-dd}以降で当社が示す日に効力を生じます（「30日前の通知」、通知時点の利用料金（税抜）3か月分を当社が支払う）",
                $"a termination by the provider notified on {from:uuuu-MM-dd} takes effect on the day it states, no earlier than {date:uuuu-MM-dd} (30 days' notice; the provider pays three months of the fees at the time of the notice, tax excluded)"))
        {
            BoundsStatedEnd = true,
            PayoutMonths = ProviderTerminationPayoutMonths,
            Reverse = new("the day the termination takes effect", "the last day to give notice",
                end => end.PlusDays(-ProviderTerminationNoticeDays),
                (from, date) => new Text(
                    $"{from:uuuu-MM-dd}に解除するには、30日前の{date:uuuu-MM-dd}までに通知が必要です",
                    $"terminating on {from:uuuu-MM-dd} needs notice by {date:uuuu-MM-dd}, 30 days before")),
        },

        // §18-1(1) 「契約者が料金の支払債務その他の債務を履行しないとき」, 「当社が適切と考える期間」: open from the day
        // after the due date; §18 asks no advance notice (§17's is for §17's restrictions). §25: charges
        // continue during the suspension. Termination needs a cure period OPTAGE sets (§29-1(4)).
        RuleKit.AfterNonPayment("nonpayment-suspension", SuspensionClause, "the first day the service may be suspended",
            new Text("当社が適切と考える期間、本サービスの利用を停止できます", "OPTAGE may suspend the service for the period it sees fit"),
            new Text("第18条に事前通知の定めはありません。停止中も料金は発生します（第25条）。解除には相当期間を定めた是正の求めとその期間の経過が必要です（第29条第1項第4号）",
                "§18 requires no advance notice; charges continue during the suspension (§25); termination needs a demand to cure within a reasonable period OPTAGE sets, and that period to pass (§29-1(4))")),
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

    /// <summary>
    /// The days on which a term expires, from the minimum term's end through <paramref name="through"/>:
    /// 2027-03-31, 2027-04-30, 2027-05-31… for a start on 2026-04-01.
    /// </summary>
    public static IEnumerable<LocalDate> TermExpiries(LocalDate start, LocalDate through)
    {
        for (var termEnd = MinimumTermEnd(start); termEnd <= through; termEnd = NextExtensionEnd(termEnd))
        {
            yield return termEnd;
        }
    }

    /// <summary>True when <paramref name="date"/> is the minimum term's end or the end of a one-month extension (§11-1).</summary>
    public static bool IsTermExpiry(LocalDate start, LocalDate date) => TermExpiries(start, date).LastOrDefault() == date;

    /// <summary>
    /// The last day a customer may give notice to end the contract on <paramref name="desired"/>, and the
    /// clause that sets it. At a term's expiry (the minimum term's end or an extension month's end),
    /// §11-1 governs: 「期間満了の1か月前までに契約者または当社のいずれからも別段の意思表示がない場合には…1か月継続延長
    /// されるものとし」 — saying so one month before the expiry stops the extension and the contract ends
    /// with its term. §28 (written notice 60 days before, moved back from a weekend or holiday) is the
    /// customer's cancellation on any other day. Reasons: §11-1 is the clause written for the end of a
    /// term and lets either side prevent the extension by a declaration; §28's proviso
    /// 「この場合でも、第11条の適用を免れることはできません」 keeps §11 (its charges) for a cancellation rather than
    /// replacing §11-1's declaration; and doubtful standard terms are read for the customer (the
    /// shorter notice). Examples (start 2026-04-01): ending 2027-03-31 → 2027-02-28 (§11-1); ending
    /// 2027-04-15 → 2027-02-12 (§28, 60 days before: 2027-02-14 is a Sunday, 02-13 a Saturday).
    /// </summary>
    public (LocalDate Deadline, string Clause) NoticeDeadline(LocalDate start, LocalDate desired) =>
        IsTermExpiry(start, desired)
            ? (RenewalDeclarationDeadline(desired), MinimumTermClause)
            : (CancellationNoticeDeadline(desired), CancellationClause);

    /// <summary>The earliest desired date on or after <paramref name="requested"/> whose deadline (§11-1 at a term expiry, else §28) a notice on <paramref name="notice"/> meets.</summary>
    public LocalDate EarliestCancellationDate(LocalDate start, LocalDate notice, LocalDate requested)
    {
        var candidate = requested;
        while (NoticeDeadline(start, candidate).Deadline < notice)
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

        var (deadline, clause) = NoticeDeadline(contract.Start, requested);
        var onTime = notice <= deadline;
        var effective = onTime ? requested : EarliestCancellationDate(contract.Start, notice, requested);
        var remaining = RemainingMinimumTermMonths(contract.Start, effective);
        var effectiveClause = NoticeDeadline(contract.Start, effective).Clause;
        var rule = clause == MinimumTermClause
            ? new Text("期間満了の1か月前まで（第11条第1項、満了日の解約）", "one month before the term expires, §11-1, for an end at the term's expiry")
            : new Text("60日前、休日は直前の営業日（第28条）", "60 days before, moved back from a weekend or holiday, §28");
        var timing = onTime
            ? new Text(
                $"通知日{notice:uuuu-MM-dd}は期限{deadline:uuuu-MM-dd}（{rule.Ja}）までのため、希望日{requested:uuuu-MM-dd}に終了します",
                $"the notice ({notice:uuuu-MM-dd}) meets the deadline {deadline:uuuu-MM-dd} ({rule.En}), so the contract ends on the desired {requested:uuuu-MM-dd}")
            : new Text(
                $"希望日{requested:uuuu-MM-dd}の終了には{deadline:uuuu-MM-dd}（{rule.Ja}）までの通知が必要なため、通知日{notice:uuuu-MM-dd}で間に合う最も早い日（{effective:uuuu-MM-dd}、{(effectiveClause == MinimumTermClause ? "第11条第1項の期間満了日" : "第28条")}）が終了日となります",
                $"ending on {requested:uuuu-MM-dd} needs notice by {deadline:uuuu-MM-dd} ({rule.En}); the earliest date a notice on {notice:uuuu-MM-dd} meets is {effective:uuuu-MM-dd} ({(effectiveClause == MinimumTermClause ? "a term expiry, §11-1" : "§28")})");
        var closed = Calendar.ClosureReason(deadline) is { } reason
            ? new Text($"（期限日{deadline:uuuu-MM-dd}は当社休業日（{reason}）です）", $" (the deadline {deadline:uuuu-MM-dd} falls on a closure day, {reason})")
            : new Text(string.Empty, string.Empty);
        var minimumTermEnd = MinimumTermEnd(contract.Start);
        var owed = remaining == 0
            ? new Text("最低利用期間の残月はありません。", "No months of the minimum term remain.")
            : new Text(
                $"最低利用期間（{minimumTermEnd:uuuu-MM-dd}まで）の残り{remaining}か月分の料金を一括で支払います（§11-2）。",
                $"The fees for the remaining {Text.Months(remaining)} of the minimum term (to {minimumTermEnd:uuuu-MM-dd}) are owed at once (§11-2).");
        return new CancellationQuote(Product, notice, requested, effective, deadline, onTime, onTime ? clause : effectiveClause,
            remaining, remaining == 0 ? null : EarlyTerminationClause,
            new Text($"{timing.Ja}{closed.Ja}。{owed.Ja}", $"{timing.En}{closed.En}. {owed.En}"));
    }

    /// <summary>別表3-3 「当社が指定する期日までに」 leaves the due date to OPTAGE; the default is the end of the month after the charge month.</summary>
    public override LocalDate StatedPaymentDueDate(YearMonth chargeMonth) => chargeMonth.PlusMonths(1).EndOfMonth();

    /// <summary>
    /// The due date when OPTAGE designates the end of the <paramref name="monthsAfter"/>th month after
    /// the charge month (別表3-3), moved off a bank holiday like every due date (<see cref="PaymentDays"/>).
    /// </summary>
    public static LocalDate PaymentDueDate(YearMonth chargeMonth, int monthsAfter) =>
        PaymentDays.DueDate(chargeMonth.PlusMonths(monthsAfter).EndOfMonth());

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
                // The loop's variable moves on: the lazy text reads this iteration's copy.
                var expiry = termEnd;
                yield return new Milestone(declaration, MilestoneKind.RenewalDeclarationDeadline, MinimumTermClause, () => new Text(
                    $"{expiry:uuuu-MM-dd}満了で終了する場合の意思表示期限（1か月前）", $"last day to say the contract should end when its term expires on {expiry:uuuu-MM-dd} (one month before)"));
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
            // An end the provider set (§29-3, §5-3) asked no notice of the customer and owes no remaining months
            // (§11-2 「専ら当社の責に帰すべき事由による場合を除きます」).
            var (deadline, clause) = NoticeDeadline(start, end);
            if (deadline >= start && !contract.EndedByProvider)
            {
                yield return new Milestone(deadline, MilestoneKind.CancellationNoticeDeadline, clause, clause == MinimumTermClause
                    ? new Text($"{end:uuuu-MM-dd}（期間満了日）で終了する意思表示の期限（1か月前）", $"last day to say the contract ends when its term expires on {end:uuuu-MM-dd} (one month before)")
                    : new Text($"{end:uuuu-MM-dd}解約の書面通知期限（60日前、休日は直前の営業日）", $"last day for written notice to cancel on {end:uuuu-MM-dd} (60 days before, moved back from a weekend or holiday)"));
            }

            var remaining = RemainingMinimumTermMonths(start, end);
            if (remaining > 0 && !contract.EndedByProvider)
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
        foreach (var due in PaymentsDue(start.ToYearMonth(), lastDay.ToYearMonth(), ChargingClause, horizon))
        {
            yield return due;
        }
    }
}
