using CloudLifecycle.Core.Calendars;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Core.Terms;

/// <summary>
/// Eclect — AWS 請求代行サービス アドバンスド リセールアグリーメント (seed 000).
/// Terms run 21st → 20th; everything turns on the 20th.
/// </summary>
public sealed class EclectAwsTerms : ContractTerms
{
    public const string FormationClause = "§3-3";
    public const string TermClause = "§26";
    public const string CancellationClause = "§27-1";
    public const string DataDeletionClause = "§27-3";
    public const string InvoiceClause = "§16-1";
    public const string PaymentClause = "§16-2";
    public const string CureClause = "§28-1(2)";
    public const string DiscontinuationClause = "§30-2";

    /// <summary>The term and cancellation day: "本サービスの解約日は、必ず暦月の20日とします" (§27-1).</summary>
    public const int CutOffDay = 20;

    /// <summary>The notice deadline is the 15th of the month before the cancellation month (§27-1).</summary>
    public const int NoticeDay = 15;

    public override ProductCode Product => ProductCode.EclectAws;

    public override BusinessCalendar Calendar => BusinessCalendars.JapaneseProvider;

    /// <summary>§30-2: the provider announces the end of the service 「終了する２５日前までに」.</summary>
    public const int DiscontinuationNoticeDays = 25;

    /// <summary>§28-1(2): 「7日を経過しても違反が是正されない場合」.</summary>
    public const int CureDays = 7;

    public const string SuspensionClause = "§21-1(1)";
    public const string NonPaymentTerminationClause = "§28-1(1)";
    public const string AccelerationClause = "§28-4";

    public override IReadOnlyList<DeadlineRule> DeadlineRules { get; } =
    [
        // §28-1(2) 「その旨当社から通知を受けたにもかかわらず7日を経過しても違反が是正されない場合」: the notice's
        // day is not counted (民法 §140), so a notice on 12-28 leaves 12-29 … 01-04 to cure and allows
        // termination from 01-05.
        RuleKit.CureThenTermination("cure", CureClause, CureDays, "the day the breach notice was received",
            "その旨当社から通知を受けたにもかかわらず7日を経過しても違反が是正されない場合"),

        // §30-2 「終了する２５日前までに」: the notice must come on or before the day 25 days before the end,
        // so the end the provider states may be any day from notice + 25 on (not only a 20th: §27-1's
        // 20th is the customer's cancellation day). We read 「25日前」 as the calendar day 25 days
        // before, as §28's 「60日前」 (OPTAGE) and §24-1's 「90日前」 (NEC) are read; the stricter reading of
        // company law (会社法 §299 「2週間前までに」 = 中14日, both days left out) would ask one day more.
        new("discontinuation", DiscontinuationClause, "the day the provider gave notice of the end of the service",
            "the earliest day the service may end",
            notice => notice.PlusDays(DiscontinuationNoticeDays),
            (from, date) => new Text(
                $"{from:uuuu-MM-dd}の通知による本サービスの終了日は、その25日後の{date:uuuu-MM-dd}以降で当社が通知する日です（「終了する２５日前までに」）",
                $"after a notice on {from:uuuu-MM-dd} the service ends on the day the provider states, no earlier than 25 days later, {date:uuuu-MM-dd}"))
        {
            BoundsStatedEnd = true,
            Reverse = new("the day the service ends", "the last day to give notice of that end",
                end => end.PlusDays(-DiscontinuationNoticeDays),
                (from, date) => new Text(
                    $"{from:uuuu-MM-dd}に本サービスを終了するには、25日前の{date:uuuu-MM-dd}までに通知または告知が必要です（「終了する２５日前までに」）",
                    $"ending the service on {from:uuuu-MM-dd} must be announced by {date:uuuu-MM-dd}, 25 days before")),
        },

        // §21-1(1) 「本サービスの料金その他の債務につき所定の支払期日が経過しても履行しない場合」: suspension is open from the
        // day after the due date. §20-2's advance notice covers only §20-1's suspensions (maintenance,
        // the provider's or AWS's reasons), so §21 needs none.
        RuleKit.AfterNonPayment("nonpayment-suspension", SuspensionClause, "the first day the service may be suspended",
            new Text("本サービスの提供を停止または利用を制限できます", "the provider may suspend or restrict the service"),
            new Text("第21条による停止に事前通知の定めはありません（第20条第2項は第20条第1項の停止に限ります）。停止中も解除までの料金は発生します",
                "§21 requires no advance notice (§20-2 applies to §20-1's suspensions only); charges run until the contract ends")),

        // §28-1(1) 「所定の支払期日が経過しても履行しない場合」: termination without a cure period, from the day
        // after the due date; §28-4 then makes every debt due at once (期限の利益の喪失).
        RuleKit.AfterNonPayment("nonpayment-termination", NonPaymentTerminationClause, "the first day the contract may be terminated",
            new Text("催告なく利用契約を解除できます", "the provider may terminate the contract without a cure period"),
            new Text("解除されると一切の債務について期限の利益を失い、直ちに支払います（第28条第4項）。データは直ちに削除されます（第28条第2項）",
                "on termination every debt loses its term and is due at once (§28-4); data is deleted at once (§28-2)")),

        // §28-4 「一切の債務につき期限の利益を喪失し、直ちに債務を履行しなければならない」: every debt, invoiced or not yet
        // due, falls due on the day of the §28 termination.
        RuleKit.DueAtOnce("acceleration", AccelerationClause, "the day the provider terminated the contract under §28",
            new Text("当社に対する一切の債務（未到来の支払期日のものを含む）", "every debt to the provider (including charges not yet due)"),
            "当社に対して負担する一切の債務につき期限の利益を喪失し、直ちに債務を履行しなければならない"),
    ];

    /// <summary>
    /// §26: signed on day 1–20, the first term ends on the 20th of that month; signed on day
    /// 21–31, on the 20th of the next month. Examples: 2026-03-20 → 2026-03-20;
    /// 2026-03-21 → 2026-04-20; 2026-12-25 → 2027-01-20.
    /// </summary>
    public static LocalDate FirstTermEnd(LocalDate signingDate)
    {
        var month = signingDate.Day <= CutOffDay ? signingDate.ToYearMonth() : signingDate.ToYearMonth().PlusMonths(1);
        return month.OnDayOfMonth(CutOffDay);
    }

    /// <summary>§27-1: the last day to give notice for a cancellation on <paramref name="cancellationDate"/>: the 15th of the month before.</summary>
    public static LocalDate NoticeDeadline(LocalDate cancellationDate) =>
        cancellationDate.ToYearMonth().PlusMonths(-1).OnDayOfMonth(NoticeDay);

    /// <summary>
    /// §27-1: the cancellation date that a notice on <paramref name="notice"/> asking for
    /// <paramref name="requested"/> (a 20th) takes effect on.
    /// - Less than one month from notice to requested date → the 20th of the month after next,
    ///   counted from the notice's month (翌々月20日): 06-10 asking 06-20 → 08-20.
    /// - Notice after the 15th of the month before the requested month → the earliest 20th whose
    ///   deadline the notice meets (our interpretation): 06-16 asking 07-20 → 08-20.
    /// - Otherwise the requested date: 06-15 asking 07-20 → 07-20; 06-10 asking 12-20 → 12-20.
    /// </summary>
    public static (LocalDate Effective, Text Reason) CancellationDate(LocalDate notice, LocalDate requested)
    {
        var monthAfterNext = notice.ToYearMonth().PlusMonths(2).OnDayOfMonth(CutOffDay);
        if (CivilPeriod.LessThanOneMonth(notice, requested))
        {
            return (monthAfterNext, new Text(
                $"通知日{notice:uuuu-MM-dd}から解約希望日{requested:uuuu-MM-dd}までが1か月未満のため、解約日は翌々月20日（{monthAfterNext:uuuu-MM-dd}）となります",
                $"less than one month from the notice ({notice:uuuu-MM-dd}) to the requested date ({requested:uuuu-MM-dd}), so the cancellation date is the 20th of the month after next ({monthAfterNext:uuuu-MM-dd})"));
        }

        var deadline = NoticeDeadline(requested);
        if (notice > deadline)
        {
            var earliest = notice.Day <= NoticeDay
                ? notice.ToYearMonth().PlusMonths(1).OnDayOfMonth(CutOffDay)
                : monthAfterNext;
            return (earliest, new Text(
                $"{requested:uuuu-MM-dd}の解約には前月15日（{deadline:uuuu-MM-dd}）までの通知が必要なため、通知日{notice:uuuu-MM-dd}で間に合う最も早い20日（{earliest:uuuu-MM-dd}）が解約日となります",
                $"cancelling on {requested:uuuu-MM-dd} needs notice by the 15th of the month before ({deadline:uuuu-MM-dd}); the earliest 20th a notice on {notice:uuuu-MM-dd} meets is {earliest:uuuu-MM-dd}"));
        }

        return (requested, new Text(
            $"通知日{notice:uuuu-MM-dd}は期限{deadline:uuuu-MM-dd}（前月15日）までのため、希望どおり{requested:uuuu-MM-dd}に解約となります",
            $"the notice ({notice:uuuu-MM-dd}) meets the deadline {deadline:uuuu-MM-dd} (the 15th of the month before), so the contract ends on the requested {requested:uuuu-MM-dd}"));
    }

    public override CancellationQuote QuoteCancellation(ContractDates contract, LocalDate notice, LocalDate requested)
    {
        ValidateCancellation(contract, notice, requested, CancellationClause);
        EnsureTwentieth(requested, "requested");
        if (requested < notice)
        {
            throw new ContractRuleException("requested", $"the requested date {requested:uuuu-MM-dd} is before the notice date {notice:uuuu-MM-dd}", CancellationClause);
        }

        var (effective, reason) = CancellationDate(notice, requested);
        var deadline = NoticeDeadline(requested);
        return new CancellationQuote(Product, notice, requested, effective, deadline,
            NoticeOnTime: effective == requested, CancellationClause, RemainingMonths: 0, RemainingMonthsClause: null, reason);
    }

    /// <summary>§16-2 「利用月の翌々月末日までに」: the end of the second month after the usage month.</summary>
    public override LocalDate StatedPaymentDueDate(YearMonth chargeMonth) => chargeMonth.PlusMonths(2).EndOfMonth();

    protected override void Validate(ContractDates contract)
    {
        base.Validate(contract);
        if (contract.End is { } end && !contract.EndedByProvider)
        {
            EnsureTwentieth(end, "end");
            if (end < FirstTermEnd(contract.Start))
            {
                throw new ContractRuleException("end", $"the end {end:uuuu-MM-dd} is before the first term ends ({FirstTermEnd(contract.Start):uuuu-MM-dd})", TermClause);
            }
        }
    }

    protected override IEnumerable<Milestone> Milestones(ContractDates contract, LocalDate horizon)
    {
        var start = contract.Start;
        yield return new Milestone(start, MilestoneKind.ContractStart, FormationClause, new Text(
            "契約成立（AWSアカウント情報の通知日）", "contract formed (AWS account information notified)"));

        // A planned end stops the renewals there; an open-ended plan runs until the next term's
        // notice deadline passes the horizon, so the last deadline inside it is not lost.
        for (var termEnd = FirstTermEnd(start); ; termEnd = termEnd.PlusMonths(1))
        {
            if (contract.End is { } plannedEnd ? termEnd > plannedEnd : NoticeDeadline(termEnd) > horizon)
            {
                break;
            }

            var cancelledHere = termEnd == contract.End;
            if (!cancelledHere)
            {
                yield return new Milestone(termEnd, MilestoneKind.TermEnd, TermClause, new Text(
                    "契約期間満了（解約がなければ1か月自動更新）", "term ends; renews for one month unless cancelled"));
            }

            // Only deadlines a customer can still meet are worth a milestone (a notice cannot predate the contract).
            var deadline = NoticeDeadline(termEnd);
            if (deadline >= start && (contract.End is null || cancelledHere))
            {
                // The loop's variable moves on: the lazy text reads this iteration's copy.
                var cancellation = termEnd;
                yield return new Milestone(deadline, MilestoneKind.CancellationNoticeDeadline, CancellationClause, () => new Text(
                    $"{cancellation:uuuu-MM-dd}解約の通知期限（前月15日）", $"last day to give notice to cancel on {cancellation:uuuu-MM-dd} (the 15th of the month before)"));
            }
        }

        if (contract.End is { } end)
        {
            yield return new Milestone(end, MilestoneKind.DataDeletionDeadline, DataDeletionClause, new Text(
                "契約者によるデータ削除の期限（以後は当社が削除可能、§27-4）", "customer must delete its data by this day (the provider may delete it afterwards, §27-4)"));
            yield return new Milestone(end, MilestoneKind.CancellationEffective, CancellationClause, new Text(
                "解約日", "cancellation takes effect"));
        }

        // §13-3: charges follow the calendar month of usage; §16: invoiced by the end of the next month, due by the end of the month after.
        var lastUsageMonth = (contract.End ?? horizon).ToYearMonth();
        foreach (var month in start.ToYearMonth().MonthsThrough(lastUsageMonth))
        {
            yield return new Milestone(month.PlusMonths(1).EndOfMonth(), MilestoneKind.InvoiceDeadline, InvoiceClause, () => new Text(
                $"{month.Year}年{month.Month}月利用分の請求期限", $"invoice for {month:uuuu-MM} usage due to be sent"));
        }

        foreach (var due in PaymentsDue(start.ToYearMonth(), lastUsageMonth, PaymentClause, horizon))
        {
            yield return due;
        }
    }

    private static void EnsureTwentieth(LocalDate date, string field)
    {
        if (date.Day != CutOffDay)
        {
            throw new ContractRuleException(field, $"{date:uuuu-MM-dd} is not a 20th; the cancellation date is always the 20th of a month", CancellationClause);
        }
    }
}
