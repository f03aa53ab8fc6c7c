using CloudLifecycle.Core.Calendars;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Core.Terms;

/// <summary>
/// NEC — Express5800 従量課金サービス サービス約款 (seed 001). A fixed usage period (§2-2) with
/// on-premises equipment that is removed after it ends (§29).
/// </summary>
public sealed class NecExpress5800Terms : ContractTerms
{
    public const string ContractPeriodClause = "§2-1";
    public const string UsagePeriodClause = "§2-2";
    public const string ExtensionClause = "§2-3";
    public const string PaymentClause = "§5-1";
    public const string OutageApplicationClause = "§11-1";
    public const string ConfidentialityClause = "§22-1";
    public const string CancellationClause = "§24-1";
    public const string RemainingFeesClause = "§24-2";
    public const string CureClause = "§26-1(1)";
    public const string RemovalClause = "§29-1";
    public const string DataDeletionClause = "§30-2";
    public const string PriceChangeClause = "§4-2";

    /// <summary>§2-3: an extension must be asked for 13 months before the usage period ends.</summary>
    public const int ExtensionNoticeMonths = 13;

    /// <summary>§24-1: cancellation notice 90 days before the cancellation month.</summary>
    public static readonly Period CancellationNotice = Period.FromDays(90);

    /// <summary>§29-1: the equipment is removed within 30 days after the usage period ends.</summary>
    public static readonly Period RemovalWindow = Period.FromDays(30);

    /// <summary>§29-1: the removal date is agreed 10 business days before it.</summary>
    public const int SchedulingBusinessDays = 10;

    /// <summary>§22-1: confidentiality lasts 「利用契約終了後3年間」.</summary>
    public const int ConfidentialityYears = 3;

    /// <summary>§4-2: a price change needs notice 「3か月以上前に」.</summary>
    public const int PriceChangeNoticeMonths = 3;

    /// <summary>§26-1(1): 「書面による通告を受領した後30日以内にこれを是正しないとき」.</summary>
    public const int CureDays = 30;

    /// <summary>§11-1: the outage must last 「知った時から10日以上」.</summary>
    public const int OutageQualifyingDays = 10;

    public const string SuspensionClause = "§19-1(1)";

    /// <summary>The suspension is notified beforehand: its reason, day and period.</summary>
    public const string SuspensionNoticeClause = "§19-2";
    public const string EquipmentLossClause = "§13";
    public const string FalseStatementTerminationClause = "§25-2";
    public const string BreachTerminationClause = "§26-3";
    public const string AntisocialTerminationClause = "§28-5";

    public override ProductCode Product => ProductCode.NecExpress5800;

    public override BusinessCalendar Calendar => BusinessCalendars.JapaneseProvider;

    public override IReadOnlyList<DeadlineRule> DeadlineRules { get; } =
    [
        // §26-1(1) 「当該違反に関する相手方からの書面による通告を受領した後30日以内にこれを是正しないとき」: the 30 days
        // run from the day after receipt (民法 §140); the last of them is the last day to cure and the
        // party may terminate from the next day. It binds both sides: NEC for the customer's breach
        // (non-payment included: §25 and §28 name no payment ground) and the customer for NEC's (§26-2).
        RuleKit.CureThenTermination("cure", CureClause, CureDays, "the day the written breach notice was received",
            "書面による通告を受領した後30日以内にこれを是正しないとき"),

        // §11-1 「本サービスが稼働を停止している状態にあることを当社が知った時から10日以上継続」: a period of days
        // counted from a moment leaves that day out (民法 §140), so the 10 days are the 10 days after the
        // day NEC learned of it; the outage qualifies at the end of the 10th and the customer can
        // apply from the next day.
        new("outage-qualifies", OutageApplicationClause, "the day NEC learned the service was down",
            "the first day the customer can apply for the credit, if the service is still down",
            FirstDayToApplyForOutageCredit,
            (from, date) => new Text(
                $"{from:uuuu-MM-dd}に当社が停止を知った場合、10日間（{from.PlusDays(1):uuuu-MM-dd}〜{date.PlusDays(-1):uuuu-MM-dd}、初日不算入）継続すると利用不能状態となり、{date:uuuu-MM-dd}から減額を申請できます（申請期限は{OutageApplicationDeadline(date):uuuu-MM-dd}）",
                $"an outage NEC learned of on {from:uuuu-MM-dd} qualifies once it has lasted the 10 days {from.PlusDays(1):uuuu-MM-dd} to {date.PlusDays(-1):uuuu-MM-dd} (that day not counted); the customer can apply from {date:uuuu-MM-dd}, by {OutageApplicationDeadline(date):uuuu-MM-dd}"))
        {
            PeriodLastDay = learned => CivilPeriod.LastDayOfDays(learned, OutageQualifyingDays),
        },

        // §11-1 「申請をし得ることとなった時点の属する月の翌月10営業日を経過する日までに」: the day on which the 10th
        // business day of the next month passes is that 10th business day itself (「経過する日」, the day at
        // whose end they have passed), the last day to apply.
        new("outage-application", OutageApplicationClause, "the first day the customer could apply for the outage credit",
            "the last day to apply for the credit",
            OutageApplicationDeadline,
            (from, date) => new Text(
                $"{from:uuuu-MM-dd}に申請可能となった減額の申請期限は、翌月の10営業日目（{date:uuuu-MM-dd}、「翌月10営業日を経過する日までに」）です",
                $"an outage credit that could first be applied for on {from:uuuu-MM-dd} must be applied for by the 10th business day of the next month, {date:uuuu-MM-dd}")),

        // §4-2 「3か月以上前に当社所定の方法により通知することにより」: three whole months must lie between the notice
        // and the new price, the notice's day not counted: notice 2026-11-30 → 12-01 … 2027-02-28 → the
        // new price from 2027-03-01 (NodaTime's 11-30 + 3 months = 02-28 would leave a day short).
        new("price-change", PriceChangeClause, "the day the price change was notified",
            "the first day the new price may apply",
            PriceChangeEarliestDate,
            (from, date) => new Text(
                $"{from:uuuu-MM-dd}に通知された料金改定は、3か月（{from.PlusDays(1):uuuu-MM-dd}〜{date.PlusDays(-1):uuuu-MM-dd}）を経た{date:uuuu-MM-dd}以降に適用できます（「3か月以上前に…通知」）",
                $"a price change notified on {from:uuuu-MM-dd} can apply from {date:uuuu-MM-dd} at the earliest, after three whole months ({from.PlusDays(1):uuuu-MM-dd} to {date.PlusDays(-1):uuuu-MM-dd})"))
        {
            PeriodLastDay = notice => CivilPeriod.LastDayOfMonthsAfter(notice, PriceChangeNoticeMonths),
            Reverse = new("the first day the new price applies", "the last day to notify the price change",
                applies => CivilPeriod.LatestDayLeaving(PriceChangeNoticeMonths, applies.PlusDays(-1)),
                (from, date) => new Text(
                    $"{from:uuuu-MM-dd}から新料金を適用するには、3か月以上前の{date:uuuu-MM-dd}までに通知が必要です",
                    $"a new price from {from:uuuu-MM-dd} must be notified by {date:uuuu-MM-dd}, three whole months before")),
        },

        // §22-1 「利用契約終了後3年間」: three years counted from the day after the contract ends.
        new("confidentiality-end", ConfidentialityClause, "the day the contract ended (equipment returned)",
            "the last day of the confidentiality obligation",
            ConfidentialityEnd,
            (from, date) => new Text(
                $"{from:uuuu-MM-dd}の契約終了後3年間（{from.PlusDays(1):uuuu-MM-dd}〜{date:uuuu-MM-dd}）秘密保持義務が続きます",
                $"confidentiality lasts three years after the contract ended on {from:uuuu-MM-dd}: {from.PlusDays(1):uuuu-MM-dd} to {date:uuuu-MM-dd}")),

        // §19-1(1) 「利用料金その他の債務について、支払期日を経過してもなお支払わないとき」; §19-2: NEC tells the customer
        // beforehand the reason, the day and the period of the suspension, unless urgent.
        RuleKit.AfterNonPayment("nonpayment-suspension", SuspensionClause, "the first day the service may be suspended",
            new Text("本サービスの全部または一部の提供を停止できます", "NEC may suspend all or part of the service"),
            new Text("停止の前に、理由、停止する日および期間を通知します（第19条第2項「予めその理由ならびに停止をする日および期間を契約者に通知」、緊急時を除く）",
                "NEC must first notify the reason, the day and the period of the suspension (§19-2), unless urgent")) with
        {
            AdvanceNoticeClause = SuspensionNoticeClause,
        },

        // §13 「利用契約は当該通知日をもって解約されるものとし…違約金として直ちに当社に支払う」.
        RuleKit.DueAtOnce("equipment-loss-penalty-due", EquipmentLossClause, "the day the customer notified the loss (the contract ends that day)",
            new Text("利用期間満了日までの未払いサービス料金相当額（違約金）", "the penalty equal to the unpaid fees to the end of the usage period"),
            "違約金として直ちに当社に支払う"),

        // §24-2 「解約日において期間満了までの未払いのサービス料金…がある場合には、直ちにこれを支払う」.
        RuleKit.DueAtOnce("cancellation-charges-due", RemainingFeesClause, "the cancellation date (解約日)",
            new Text("期間満了までの未払いのサービス料金および支払遅延損害金", "the unpaid fees to the end of the usage period and any late interest"),
            "解約日において期間満了までの未払いのサービス料金…がある場合には、直ちにこれを支払う"),

        // §25-2 「解除された月の翌月末日までに」 for both the accelerated debts and the penalty.
        RuleKit.DueEndOfNextMonth("false-statement-termination-due", FalseStatementTerminationClause, "the day NEC terminated under §25-1",
            new Text("期限の利益を失った金銭債務および利用期間満了日までの利用料金相当額の違約金", "the accelerated debts and the penalty equal to the fees to the end of the usage period"),
            "解除された月の翌月末日までに"),

        // §26-3, first sentence: the accelerated debts 「直ちにこれを弁済する」.
        RuleKit.DueAtOnce("breach-termination-debts-due", BreachTerminationClause, "the day NEC terminated under §26-1",
            new Text("期限の利益を失った利用契約上の金銭債務", "the debts under the contract, which lose their term"),
            "当該金銭債務につき期限の利益を失い、契約者は当社に対し、直ちにこれを弁済する"),

        // §26-3, second sentence: the penalty 「違約金として翌月に当社に支払う」: in the month after the
        // termination, so by its last day.
        RuleKit.DueEndOfNextMonth("breach-termination-penalty-due", BreachTerminationClause, "the day NEC terminated under §26-1",
            new Text("利用期間満了日までの未払いの利用料金相当額の違約金", "the penalty equal to the unpaid fees to the end of the usage period"),
            "違約金として翌月に当社に支払う"),

        // §28-5/§28-6: after a §28 termination the debts and the penalty are due 「ただちに」/「直ちに」.
        RuleKit.DueAtOnce("antisocial-termination-due", AntisocialTerminationClause, "the day the contract was terminated under §28-2",
            new Text("期限の利益を失った金銭債務および違約金（第28条第6項）", "the accelerated debts and the penalty (§28-6)"),
            "当該金銭債務につき期限の利益を失い、被解除者は解除者に対し、ただちにこれを弁済する"),
    ];

    /// <summary>§22-1: the last day of confidentiality, three years from the day after the contract ends. Example: 2029-02-28 → 2032-02-29.</summary>
    public static LocalDate ConfidentialityEnd(LocalDate contractEnd) => CivilPeriod.LastDayOfYearsAfter(contractEnd, ConfidentialityYears);

    /// <summary>§4-2: the first day a price change notified on <paramref name="notice"/> may apply. Example: 2026-11-30 → 2027-03-01.</summary>
    public static LocalDate PriceChangeEarliestDate(LocalDate notice) =>
        CivilPeriod.LastDayOfMonthsAfter(notice, PriceChangeNoticeMonths).PlusDays(1);

    /// <summary>§11-1: the first day the customer can apply for an outage credit, the outage having lasted 10 days after the day NEC learned of it. Example: 2026-10-21 → 2026-11-01.</summary>
    public static LocalDate FirstDayToApplyForOutageCredit(LocalDate learned) => CivilPeriod.DayAfterDays(learned, OutageQualifyingDays);

    /// <summary>
    /// §2-3: the last day that still leaves 13 full months before the usage period ends
    /// (<see cref="CivilPeriod.LatestDayLeaving"/>). Examples: 2031-03-31 → 2030-02-28;
    /// 2031-04-30 → 2030-03-31; 2031-04-14 → 2030-03-14.
    /// </summary>
    public static LocalDate ExtensionDeadline(LocalDate usagePeriodEnd) =>
        CivilPeriod.LatestDayLeaving(ExtensionNoticeMonths, usagePeriodEnd);

    /// <summary>§24-1 (interpretation): the deadline is 90 days before the first day of the cancellation month. Example: 2027-03 → 2026-12-01.</summary>
    public static LocalDate CancellationNoticeDeadline(YearMonth cancellationMonth) =>
        cancellationMonth.FirstOfMonth().Minus(CancellationNotice);

    /// <summary>The earliest cancellation month whose deadline a notice on <paramref name="notice"/> meets.</summary>
    public static YearMonth EarliestCancellationMonth(LocalDate notice)
    {
        var firstPossibleDay = notice.Plus(CancellationNotice);
        return firstPossibleDay.Day == 1 ? firstPossibleDay.ToYearMonth() : firstPossibleDay.ToYearMonth().PlusMonths(1);
    }

    /// <summary>§11-1: the 10th business day of the month after <paramref name="firstApplicable"/>'s month.</summary>
    public static LocalDate OutageApplicationDeadline(LocalDate firstApplicable) =>
        BusinessCalendars.JapaneseProvider.NthBusinessDayOfMonth(firstApplicable.ToYearMonth().PlusMonths(1), 10);

    public override CancellationQuote QuoteCancellation(ContractDates contract, LocalDate notice, LocalDate requested)
    {
        ValidateCancellation(contract, notice, requested, CancellationClause);
        var usageEnd = contract.End!.Value;
        var requestedMonth = requested.ToYearMonth();
        if (requestedMonth < notice.ToYearMonth())
        {
            throw new ContractRuleException("requested", $"the requested month {requestedMonth:uuuu-MM} is before the notice date {notice:uuuu-MM-dd}", CancellationClause);
        }

        var deadline = CancellationNoticeDeadline(requestedMonth);
        var onTime = notice <= deadline;
        var month = onTime ? requestedMonth : EarliestCancellationMonth(notice);
        var effective = month.EndOfMonth();
        if (effective > usageEnd)
        {
            throw new ContractRuleException("requested",
                $"a notice on {notice:uuuu-MM-dd} for {requestedMonth:uuuu-MM} takes effect on {effective:uuuu-MM-dd}, after the usage period ends ({usageEnd:uuuu-MM-dd}); the contract ends with the usage period", CancellationClause);
        }

        var remaining = CivilPeriod.MonthsAfterThrough(month, usageEnd.ToYearMonth());
        var timing = onTime
            ? new Text(
                $"通知日{notice:uuuu-MM-dd}は解約希望月の90日前（{deadline:uuuu-MM-dd}）までのため、{effective:uuuu-MM-dd}（解約希望月の末日）に解約となります",
                $"the notice ({notice:uuuu-MM-dd}) is at least 90 days before the cancellation month (deadline {deadline:uuuu-MM-dd}), so the contract ends on the last day of that month, {effective:uuuu-MM-dd}")
            : new Text(
                $"{requestedMonth:uuuu-MM}の解約には{deadline:uuuu-MM-dd}までの通知が必要なため、通知日{notice:uuuu-MM-dd}から90日後以降で最初の月の末日（{effective:uuuu-MM-dd}）が解約日となります",
                $"cancelling in {requestedMonth:uuuu-MM} needs notice by {deadline:uuuu-MM-dd}; the earliest month a notice on {notice:uuuu-MM-dd} reaches is {month:uuuu-MM}, ending {effective:uuuu-MM-dd}");
        var owed = remaining == 0
            ? new Text("利用期間の残月はありません。", "No months of the usage period remain.")
            : new Text(
                $"利用期間満了（{usageEnd:uuuu-MM-dd}）までの残り{remaining}か月分の基本料金が解約日に支払期限となります（§24-2）。",
                $"The base fee for the remaining {Text.Months(remaining)} of the usage period (to {usageEnd:uuuu-MM-dd}) falls due on the cancellation date (§24-2).");
        return new CancellationQuote(Product, notice, requested, effective, deadline, onTime, CancellationClause,
            remaining, remaining == 0 ? null : RemainingFeesClause,
            new Text($"{timing.Ja}。{owed.Ja}", $"{timing.En}. {owed.En}"));
    }

    public override ExtensionQuote QuoteExtension(ContractDates contract)
    {
        Validate(contract);
        var end = contract.End!.Value;
        var deadline = ExtensionDeadline(end);
        var passedAtStart = deadline < contract.Start
            ? new Text("（利用期間が13か月未満のため、契約開始時点で期限を過ぎています）", " (the usage period is shorter than 13 months, so the deadline passed before it began)")
            : new Text(string.Empty, string.Empty);
        return new ExtensionQuote(Product, end, deadline, ExtensionClause, new Text(
            $"利用期間の延長は終了日{end:uuuu-MM-dd}の13か月前（{deadline:uuuu-MM-dd}）までに連絡が必要です{passedAtStart.Ja}",
            $"an extension must be asked for 13 months before the usage period ends on {end:uuuu-MM-dd}, i.e. by {deadline:uuuu-MM-dd}{passedAtStart.En}"));
    }

    /// <summary>
    /// §29-1: removal within 30 days after the usage period ends, its date agreed 10 business
    /// days before it. Without an agreed date we plan for the latest possible one: the last
    /// business day within the window (our interpretation: removals happen on business days).
    /// The contract lasts until the equipment is returned (§2-1); confidentiality 3 years more (§22-1).
    /// </summary>
    public override RemovalQuote QuoteRemoval(ContractDates contract)
    {
        Validate(contract);
        var end = contract.End!.Value;
        var deadline = end.Plus(RemovalWindow);
        var agreed = contract.RemovalDate is not null;
        var removal = contract.RemovalDate ?? Calendar.OnOrBefore(deadline);
        var scheduling = Calendar.BusinessDaysBefore(removal, SchedulingBusinessDays);
        var confidentialityEnd = ConfidentialityEnd(removal);
        var basis = agreed
            ? new Text($"合意した撤去日{removal:uuuu-MM-dd}", $"the agreed removal date {removal:uuuu-MM-dd}")
            : new Text($"撤去可能な最終営業日{removal:uuuu-MM-dd}", $"the last business day removal can take place, {removal:uuuu-MM-dd}");
        return new RemovalQuote(Product, end, deadline, removal, agreed, scheduling, confidentialityEnd, RemovalClause, new Text(
            $"利用期間終了（{end:uuuu-MM-dd}）後30日以内（{deadline:uuuu-MM-dd}まで）に機器を撤去します。{basis.Ja}の10営業日前（{scheduling:uuuu-MM-dd}）までに日程を調整してください。秘密保持は{confidentialityEnd:uuuu-MM-dd}まで（§22-1）",
            $"the equipment is removed within 30 days after the usage period ends on {end:uuuu-MM-dd} (by {deadline:uuuu-MM-dd}); for {basis.En} the date must be agreed 10 business days before, by {scheduling:uuuu-MM-dd}. Confidentiality lasts until {confidentialityEnd:uuuu-MM-dd} (§22-1)"));
    }

    /// <summary>§5-1 「翌月に…請求し…当該請求書発行月の翌月末日までに」: invoiced in the month after the charge month, due by the end of the month after the invoice month.</summary>
    public override LocalDate StatedPaymentDueDate(YearMonth chargeMonth) => chargeMonth.PlusMonths(2).EndOfMonth();

    protected override void Validate(ContractDates contract)
    {
        if (contract.End is null)
        {
            throw new ContractRuleException("end", "the usage period end date is required (利用期間, from the contract)", UsagePeriodClause);
        }

        base.Validate(contract);
        if (contract.End == contract.Start)
        {
            throw new ContractRuleException("end", "the usage period must last longer than one day", UsagePeriodClause);
        }

        if (contract.RemovalDate is { } removal)
        {
            EnsureCovered(removal, "removalDate");
            var deadline = contract.End.Value.Plus(RemovalWindow);
            if (removal <= contract.End.Value || removal > deadline)
            {
                throw new ContractRuleException("removalDate",
                    $"the removal date {removal:uuuu-MM-dd} must fall within 30 days after the usage period ends ({contract.End.Value.PlusDays(1):uuuu-MM-dd} to {deadline:uuuu-MM-dd})", RemovalClause);
            }
        }
    }

    protected override IEnumerable<Milestone> Milestones(ContractDates contract, LocalDate horizon)
    {
        var start = contract.Start;
        var end = contract.End!.Value;
        yield return new Milestone(start, MilestoneKind.ContractStart, UsagePeriodClause, new Text(
            "利用期間の開始", "usage period begins"));

        var extension = QuoteExtension(contract);
        if (extension.Deadline >= start)
        {
            yield return new Milestone(extension.Deadline, MilestoneKind.ExtensionDeadline, ExtensionClause, new Text(
                "利用期間延長の連絡期限（終了日の13か月前）", "last day to ask for an extension of the usage period (13 months before it ends)"));
        }

        yield return new Milestone(end, MilestoneKind.UsagePeriodEnd, UsagePeriodClause, new Text(
            "利用期間の終了", "usage period ends"));

        var removal = QuoteRemoval(contract);
        yield return new Milestone(removal.SchedulingDeadline, MilestoneKind.RemovalSchedulingDeadline, RemovalClause, new Text(
            $"撤去日（{removal.RemovalDate:uuuu-MM-dd}）の日程調整期限（10営業日前）", $"agree the removal date ({removal.RemovalDate:uuuu-MM-dd}) by this day (10 business days before)"));
        yield return new Milestone(removal.RemovalDate, MilestoneKind.DataDeletionDeadline, DataDeletionClause, new Text(
            "契約者によるソフトウェア・データ削除の期限（契約終了まで）", "customer must delete its software and data before the contract ends"));
        yield return new Milestone(removal.RemovalDate, MilestoneKind.EquipmentRemoval, RemovalClause, new Text(
            removal.RemovalDateAgreed ? "機器撤去（合意日）" : "機器撤去（撤去可能な最終営業日）",
            removal.RemovalDateAgreed ? "equipment removed (agreed date)" : "equipment removed (latest business day possible)"));
        yield return new Milestone(removal.RemovalDeadline, MilestoneKind.RemovalDeadline, RemovalClause, new Text(
            "機器撤去の期限（利用期間終了後30日）", "equipment removal deadline (30 days after the usage period)"));
        yield return new Milestone(removal.RemovalDate, MilestoneKind.ContractEnd, ContractPeriodClause, new Text(
            "契約終了（機器の返却完了）", "contract ends (equipment returned)"));
        yield return new Milestone(removal.ConfidentialityEnd, MilestoneKind.ConfidentialityEnd, ConfidentialityClause, new Text(
            "秘密保持義務の終了（契約終了後3年）", "confidentiality obligations end (3 years after the contract)"));

        foreach (var due in PaymentsDue(start.ToYearMonth(), end.ToYearMonth(), PaymentClause, horizon))
        {
            yield return due;
        }
    }
}
