using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Calendars;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle;

/// <summary>
/// The lifecycle of one contract as a pure function: <c>Decide(state, trigger, today) → (state,
/// commands)</c>. No clock, no I/O: the same inputs give the same decision, so it runs inside a
/// Durable orchestrator, in the local host and in tests that travel years in milliseconds.
/// A trigger a contract rule refuses throws <see cref="ContractRuleException"/> and changes nothing.
/// </summary>
public static class LifecycleDecider
{
    /// <summary>How many event ids a contract remembers to ignore redeliveries.</summary>
    public const int RecentEventCapacity = 64;

    /// <summary>Plans reach this far past today, beyond the longest reminder lead.</summary>
    public static readonly Period Lookahead = Period.FromDays(ReminderSchedule.LongestLeadDays + 10);

    /// <summary>An overdue invoice is chased the day after its due date and then every this many days.</summary>
    public const int OverdueReminderIntervalDays = 30;

    private static readonly LocalDate LastPlannableDay = new(JapaneseHolidays.LastYear, 12, 31);

    private static readonly MilestoneKind[] KeyKinds =
    [
        MilestoneKind.ContractStart, MilestoneKind.FirstChargedMonth, MilestoneKind.ResourceFeeStart,
        MilestoneKind.TermEnd, MilestoneKind.MinimumTermEnd, MilestoneKind.CancellationNoticeDeadline,
        MilestoneKind.RenewalDeclarationDeadline, MilestoneKind.ExtensionDeadline, MilestoneKind.UsagePeriodEnd,
        MilestoneKind.CancellationEffective, MilestoneKind.RemovalDeadline, MilestoneKind.ContractEnd,
    ];

    public static Decision Decide(ContractState state, Trigger trigger, LocalDate today)
    {
        if (trigger.EventId is { } id && state.RecentEventIds.Contains(id))
        {
            return new Decision(state, [], Consequence.Nothing(new Text($"イベント {id} は適用済みです", $"event {id} was already applied")));
        }

        var commands = new List<LifecycleCommand>();
        var (next, consequence) = trigger switch
        {
            Registered => Register(state, today, commands),
            TimerFired => (state, new Consequence(new Text("期日の処理", "due milestones handled"))),
            CancellationRequested c => Cancel(state, c, today, commands),
            ExtensionRequested e => Extend(state, e, today, commands),
            PlanChanged p => ChangePlan(state, p, today, commands),
            UsageRecorded u => RecordUsage(state, u.Usage, today, commands),
            OutageReported o => RecordOutage(state, o.Outage, today, commands),
            PaymentReceived p => ReceivePayment(state, p, commands),
            ProviderNoticeGiven n => EndByProvider(state, n, today, commands),
            InvoiceMonth m => IssueInvoice(state, m.Month, today, commands),
            OverdueCheck => ChaseOverdue(state, today, commands),
            _ => throw new ArgumentOutOfRangeException(nameof(trigger), trigger.GetType().Name, "unknown trigger"),
        };

        next = Advance(next, today, commands);
        // Only the processed-through day moved: nothing to store, the next round covers the same days again harmlessly.
        if (commands.Count == 0 && next with { ProcessedThrough = state.ProcessedThrough } == state)
        {
            return new Decision(state, [], consequence with { Changed = consequence.Changed && trigger is not TimerFired });
        }

        if (next.NextWake != state.NextWake)
        {
            commands.Add(new ScheduleWakeUp(next.NextWake) { ContractId = state.ContractId });
        }

        next = next with
        {
            Version = state.Version + 1,
            RecentEventIds = trigger.EventId is { } eventId ? [.. next.RecentEventIds.TakeLast(RecentEventCapacity - 1), eventId] : next.RecentEventIds,
        };
        return new Decision(next, commands, consequence);
    }

    /// <summary>
    /// Records every milestone dated after <see cref="ContractState.ProcessedThrough"/> through today,
    /// enqueues the reminders due in that span for deadlines still ahead, closes the contract once it
    /// has ended, and sets the next wake-up.
    /// </summary>
    private static ContractState Advance(ContractState state, LocalDate today, List<LifecycleCommand> commands)
    {
        var terms = ProductCatalog.For(state.Product);
        var planningDates = state.PlanningDates;
        var horizon = Min(Max(today, planningDates.Start).Plus(Lookahead), LastPlannableDay);
        var plan = terms.Plan(planningDates, horizon).Milestones;
        var milestonesFrom = state.ProcessedThrough?.PlusDays(1) ?? planningDates.Start;
        var remindersFrom = state.ProcessedThrough?.PlusDays(1) ?? today;
        if (milestonesFrom > today)
        {
            return state with { NextWake = NextWake(state, plan, today, horizon) };
        }

        foreach (var milestone in plan.Where(m => m.Date >= milestonesFrom && m.Date <= today))
        {
            commands.Add(Record(state, new HistoryEntry($"milestone/{milestone.Date:uuuu-MM-dd}/{milestone.Kind}/{milestone.Clause}", milestone.Date, milestone.Kind.ToString(), milestone.Clause, milestone.Description)));
        }

        foreach (var (milestone, lead) in Reminders(state, plan).Where(r => r.Milestone.Date >= today))
        {
            var sendOn = milestone.Date.PlusDays(-lead);
            if (sendOn >= remindersFrom && sendOn <= today)
            {
                commands.Add(Enqueue(state, NoticeComposer.Reminder(state, milestone, lead, today)));
            }
        }

        var advanced = state with { ProcessedThrough = today };
        if (advanced.Status != ContractStatus.Closed && EndOf(advanced, plan) is { } end && end.Date <= today)
        {
            advanced = advanced with { Status = ContractStatus.Closed };
            commands.Add(new CloseContract(end.Date, end.Clause, end.Description) { ContractId = state.ContractId });
        }

        return advanced with { NextWake = NextWake(advanced, plan, today, horizon) };
    }

    /// <summary>The milestone that ends the contract: nec-express5800's removal (§2-1), the others' end date.</summary>
    private static Milestone? EndOf(ContractState state, IReadOnlyList<Milestone> plan)
    {
        if (state.Product == ProductCode.NecExpress5800)
        {
            return plan.FirstOrDefault(m => m.Kind == MilestoneKind.ContractEnd);
        }

        if (state.Dates.End is not { } end)
        {
            return null;
        }

        // Ended by the provider: the end cites the provider's clause, not the customer's cancellation rule.
        return state.ProviderEndClause is { } providerClause
            ? new Milestone(end, MilestoneKind.ContractEnd, providerClause, new Text("提供者による契約終了", "contract ended by the provider"))
            : plan.FirstOrDefault(m => m.Date == end && m.Kind == MilestoneKind.CancellationEffective)
                ?? new Milestone(end, MilestoneKind.ContractEnd, state.Cancellation?.Clause ?? plan.FirstOrDefault(m => m.Date == end)?.Clause ?? string.Empty, new Text("契約終了", "contract ends"));
    }

    private static IEnumerable<(Milestone Milestone, int Lead)> Reminders(ContractState state, IReadOnlyList<Milestone> plan)
    {
        if (state.Status == ContractStatus.Closed)
        {
            yield break;
        }

        var firstDeclaration = plan.FirstOrDefault(m => m.Kind == MilestoneKind.RenewalDeclarationDeadline);
        foreach (var milestone in plan)
        {
            foreach (var lead in ReminderSchedule.LeadDays(milestone, state, firstDeclaration))
            {
                yield return (milestone, lead);
            }
        }
    }

    private static LocalDate? NextWake(ContractState state, IReadOnlyList<Milestone> plan, LocalDate today, LocalDate horizon)
    {
        var candidates = plan.Where(m => m.Date > today).Select(m => m.Date)
            .Concat(Reminders(state, plan).Select(r => r.Milestone.Date.PlusDays(-r.Lead)).Where(d => d > today))
            .ToList();
        if (candidates.Count > 0)
        {
            return candidates.Min();
        }

        // Nothing inside the horizon: wake at the horizon to plan further while anything may follow.
        var terms = ProductCatalog.For(state.Product);
        var laterMilestones = state.Status != ContractStatus.Closed
            || terms.Plan(state.PlanningDates).Milestones.Any(m => m.Date > horizon);
        return laterMilestones && horizon < LastPlannableDay ? horizon : null;
    }

    /// <summary>
    /// The dates a customer is told at registration and a CRM shows beside the contract: its start,
    /// the first charged month, term ends, and the next notice, renewal, extension and removal deadlines.
    /// </summary>
    public static IReadOnlyList<Milestone> KeyDates(ContractState state, LocalDate today)
    {
        var plan = ProductCatalog.For(state.Product).Plan(state.PlanningDates).Milestones;
        return KeyKinds
            .Select(kind => plan.FirstOrDefault(m => m.Kind == kind && (m.Date >= today || kind == MilestoneKind.ContractStart)))
            .OfType<Milestone>()
            .Order(Milestone.Order)
            .ToList();
    }

    /// <summary>
    /// What a cancellation notice given on <paramref name="notice"/> for <paramref name="requested"/>
    /// would lead to, changing nothing: the product's cancellation quote and the charges of the final month.
    /// </summary>
    public static CancellationWhatIf QuoteCancellation(ContractState state, LocalDate notice, LocalDate requested)
    {
        EnsureOpen(state, "cancellation");
        if (state.Cancellation is { } earlier)
        {
            throw new ContractRuleException("cancellation", $"a cancellation was already received on {earlier.NoticeDate:uuuu-MM-dd}, effective {earlier.EffectiveDate:uuuu-MM-dd}", earlier.Clause, RefusalKind.Conflict);
        }

        var quote = ProductCatalog.For(state.Product).QuoteCancellation(state.Dates, notice, requested);
        return new CancellationWhatIf(quote, EndingCharges(Cancelled(state, notice, requested, quote), quote.EffectiveDate.ToYearMonth()));
    }

    private static ContractState Cancelled(ContractState state, LocalDate notice, LocalDate requested, CancellationQuote quote)
    {
        var cancelled = state with
        {
            Status = ContractStatus.Ending,
            Cancellation = new CancellationRecord(notice, requested, quote.EffectiveDate, quote.Clause),
        };
        return state.Product == ProductCode.NecExpress5800
            ? (quote.EffectiveDate < state.Dates.End ? cancelled with { Termination = new NecTermination(quote.EffectiveDate, NecTerminationReason.Cancellation) } : cancelled)
            : cancelled with { Dates = state.Dates with { End = quote.EffectiveDate } };
    }

    private static (ContractState, Consequence) Register(ContractState state, LocalDate today, List<LifecycleCommand> commands)
    {
        if (state.ProcessedThrough is not null)
        {
            throw new ContractRuleException("contractId", $"contract {state.ContractId} is already registered", kind: RefusalKind.Conflict);
        }

        var keyDates = KeyDates(state, today);
        commands.Add(Record(state, new HistoryEntry("event/registered", today, "Registered", string.Empty, new Text("契約を登録しました", "contract registered"))));
        commands.Add(Enqueue(state, NoticeComposer.Registered(state, keyDates, today)));
        return (state with { RegisteredOn = today }, new Consequence(new Text("契約を登録しました", "contract registered"), (keyDates.Count > 0 ? keyDates[0].Clause : null), state.Dates.Start));
    }

    private static (ContractState, Consequence) Cancel(ContractState state, CancellationRequested request, LocalDate today, List<LifecycleCommand> commands)
    {
        var (quote, charges) = QuoteCancellation(state, request.NoticeDate, request.RequestedDate);
        EnsureNotFuture(request.NoticeDate, today, "noticeDate");
        var cancelled = Cancelled(state, request.NoticeDate, request.RequestedDate, quote);
        commands.Add(Record(state, new HistoryEntry($"event/cancellation/{request.NoticeDate:uuuu-MM-dd}", request.NoticeDate, "CancellationReceived", quote.Clause, quote.Explanation)));
        commands.Add(Enqueue(state, NoticeComposer.CancellationReceived(cancelled, quote, charges, today)));
        return (cancelled, new Consequence(quote.Explanation, quote.Clause, quote.EffectiveDate, charges.Sum(c => c.Amount)));
    }

    /// <summary>The early-termination lines of the final month (§11-2, §24-2), taken from the billing rules themselves.</summary>
    private static List<InvoiceLine> EndingCharges(ContractState state, YearMonth finalMonth)
    {
        var preview = BillingInputs.Preview(state, finalMonth);
        try
        {
            return BillingCatalog.For(state.Product).Invoice(preview).Lines
                .Where(line => line.Code is "early-termination" or "remaining-months")
                .ToList();
        }
        catch (ContractRuleException)
        {
            // The profile lacks a price the charge needs (no base fee or plan registered): the notice says nothing of charges.
            return [];
        }
    }

    private static (ContractState, Consequence) Extend(ContractState state, ExtensionRequested request, LocalDate today, List<LifecycleCommand> commands)
    {
        var terms = ProductCatalog.For(state.Product);
        EnsureOpen(state, "extension");
        var quote = terms.QuoteExtension(state.PlanningDates);
        if (state.Cancellation is not null)
        {
            throw new ContractRuleException("extension", "the contract is being cancelled", state.Cancellation.Clause, RefusalKind.Conflict);
        }

        EnsureNotFuture(request.RequestDate, today, "requestDate");
        if (request.RequestDate > quote.Deadline)
        {
            throw new ContractRuleException("requestDate", $"{request.RequestDate:uuuu-MM-dd} is after the deadline {quote.Deadline:uuuu-MM-dd} (13 months before the usage period ends on {quote.UsagePeriodEnd:uuuu-MM-dd})", quote.Clause);
        }

        if (request.NewEnd <= quote.UsagePeriodEnd)
        {
            throw new ContractRuleException("newEnd", $"{request.NewEnd:uuuu-MM-dd} does not extend the usage period ending {quote.UsagePeriodEnd:uuuu-MM-dd}", quote.Clause);
        }

        var extended = state with { Dates = state.Dates with { End = request.NewEnd } };
        terms.Plan(extended.PlanningDates, extended.Dates.Start);
        commands.Add(Record(state, new HistoryEntry($"event/extension/{request.NewEnd:uuuu-MM-dd}", request.RequestDate, "ExtensionAgreed", quote.Clause,
            new Text($"利用期間を{request.NewEnd:uuuu-MM-dd}まで延長", $"usage period extended to {request.NewEnd:uuuu-MM-dd}"))));
        commands.Add(Enqueue(state, NoticeComposer.ExtensionConfirmed(extended, quote, request.RequestDate, request.NewEnd, today)));
        return (extended, new Consequence(quote.Explanation, quote.Clause, request.NewEnd));
    }

    private static (ContractState, Consequence) ChangePlan(ContractState state, PlanChanged change, LocalDate today, List<LifecycleCommand> commands)
    {
        EnsureOpen(state, "plan");
        if (state.Plans.Count == 0)
        {
            throw new ContractRuleException("plan", $"{state.Product} has no plans to change");
        }

        if (change.EffectiveFrom < state.Dates.Start || state.InvoicedMonths.Contains(change.EffectiveFrom.ToYearMonth()))
        {
            throw new ContractRuleException("effectiveFrom", $"{change.EffectiveFrom:uuuu-MM-dd} is before the start or in a month already invoiced");
        }

        var selection = new PlanSelection(change.Plan, change.Components, change.Windows);
        var changed = state with { Plans = [.. state.Plans, new PlanPeriod(change.EffectiveFrom, selection)] };
        // The billing rules validate the plan: an unknown plan or component count is refused here, not at the month's end.
        BillingCatalog.For(state.Product).Invoice(BillingInputs.Preview(changed, change.EffectiveFrom.ToYearMonth()));
        var text = new Text($"プラン変更：{change.Plan}（{change.Components}コンポーネント）{change.EffectiveFrom:uuuu-MM-dd}から", $"plan changed to {change.Plan} ({change.Components} components) from {change.EffectiveFrom:uuuu-MM-dd}");
        commands.Add(Record(state, new HistoryEntry($"event/plan/{change.EffectiveFrom:uuuu-MM-dd}/{state.Plans.Count}", today, "PlanChanged", string.Empty, text)));
        return (changed, new Consequence(text, EffectiveDate: change.EffectiveFrom));
    }

    private static (ContractState, Consequence) RecordUsage(ContractState state, MonthUsage usage, LocalDate today, List<LifecycleCommand> commands)
    {
        EnsureNotInvoiced(state, usage.Month, "usage.month");
        if (state.PlanningDates.End is { } end && usage.Month > end.ToYearMonth())
        {
            throw new ContractRuleException("usage.month", $"{usage.Month:uuuu-MM} is after the contract's end ({end:uuuu-MM-dd})");
        }

        if (usage.Month < state.Dates.Start.ToYearMonth())
        {
            throw new ContractRuleException("usage.month", $"{usage.Month:uuuu-MM} is before the contract starts ({state.Dates.Start:uuuu-MM-dd})");
        }

        foreach (var (value, field) in new[] { (usage.AwsUsageUsd, "awsUsageUsd"), (usage.FxRate, "fxRate"), (usage.AwsUsageJpy, "awsUsageJpy"), (usage.Quantity, "quantity"), (usage.ResourceFee, "resourceFee") })
        {
            if (value < 0)
            {
                throw new ContractRuleException($"usage.{field}", $"{value} is negative");
            }
        }

        var text = new Text($"{usage.Month:uuuu-MM}の利用量を記録", $"usage recorded for {usage.Month:uuuu-MM}");
        commands.Add(new StoreUsage(usage) { ContractId = state.ContractId });
        commands.Add(Record(state, new HistoryEntry($"event/usage/{usage.Month:uuuu-MM}/{today:uuuu-MM-dd}", today, "UsageRecorded", string.Empty, text)));
        return (state with { Usage = [.. state.Usage.Where(u => u.Month != usage.Month), usage] }, new Consequence(text));
    }

    private static (ContractState, Consequence) RecordOutage(ContractState state, OutageRecord outage, LocalDate today, List<LifecycleCommand> commands)
    {
        EnsureNotInvoiced(state, outage.Month, "outage.month");
        if (outage.Hours < 0)
        {
            throw new ContractRuleException("outage.hours", $"{outage.Hours} is negative");
        }

        if (state.Product == ProductCode.NecExpress5800 && (outage.KnownOn is null || outage.AppliedOn is null))
        {
            throw new ContractRuleException("outage.knownOn", "nec-express5800 credits need the day the provider learned of the outage and the application day", NecExpress5800Terms.OutageApplicationClause);
        }

        var text = new Text($"{outage.Hours}時間の停止を記録（{outage.Month:uuuu-MM}分で減額）", $"{outage.Hours} hours of outage recorded (credited for {outage.Month:uuuu-MM})");
        commands.Add(Record(state, new HistoryEntry($"event/outage/{outage.Month:uuuu-MM}/{today:uuuu-MM-dd}", today, "OutageReported", string.Empty, text)));
        return (state with { Outages = [.. state.Outages.Where(o => o.Month != outage.Month), outage] }, new Consequence(text));
    }

    private static (ContractState, Consequence) ReceivePayment(ContractState state, PaymentReceived payment, List<LifecycleCommand> commands)
    {
        var open = state.OpenInvoices.FirstOrDefault(i => i.Number == payment.InvoiceNumber)
            ?? throw new ContractRuleException("invoiceNumber", $"{payment.InvoiceNumber} is not an open invoice of contract {state.ContractId}");
        if (payment.Amount <= 0)
        {
            throw new ContractRuleException("amount", $"{payment.Amount} is not a payment");
        }

        var policy = BillingCatalog.For(state.Product).LateInterest;
        var interest = payment.PaidOn > open.DueDate ? policy.Compute(open.Outstanding, open.DueDate, payment.PaidOn) : null;
        var outstanding = open.Outstanding - payment.Amount;
        var remaining = state.OpenInvoices.Where(i => i != open).ToList();
        if (outstanding > 0)
        {
            remaining.Add(open with { Outstanding = outstanding });
        }

        var text = interest is { Interest: > 0 }
            ? new Text($"{payment.InvoiceNumber}に{payment.Amount:N0}円の入金（遅延損害金 {interest.Interest:N0}円）", $"¥{payment.Amount:N0} received for {payment.InvoiceNumber} (late interest ¥{interest.Interest:N0})")
            : new Text($"{payment.InvoiceNumber}に{payment.Amount:N0}円の入金", $"¥{payment.Amount:N0} received for {payment.InvoiceNumber}");
        commands.Add(Record(state, new HistoryEntry($"event/payment/{payment.InvoiceNumber}/{payment.PaidOn:uuuu-MM-dd}/{payment.Amount}", payment.PaidOn, "PaymentReceived", interest?.Clause ?? string.Empty, text)));
        return (state with { OpenInvoices = remaining }, new Consequence(text, interest?.Clause, payment.PaidOn, interest?.Interest, payment.InvoiceNumber));
    }

    private static readonly string[] ProviderEndingRules = ["discontinuation", "provider-termination", "deemed-notice"];

    private static (ContractState, Consequence) EndByProvider(ContractState state, ProviderNoticeGiven notice, LocalDate today, List<LifecycleCommand> commands)
    {
        EnsureOpen(state, "rule");
        var terms = ProductCatalog.For(state.Product);
        var rules = terms.DeadlineRules.Where(r => ProviderEndingRules.Contains(r.Name)).Select(r => r.Name).ToList();
        if (!rules.Contains(notice.Rule))
        {
            throw new ContractRuleException("rule", rules.Count == 0
                ? $"{state.Product} has no rule by which the provider ends the contract on notice"
                : $"'{notice.Rule}' is not a provider notice of {state.Product}; expected one of {string.Join(", ", rules)}");
        }

        EnsureNotFuture(notice.NoticeDate, today, "noticeDate");
        var quote = terms.QuoteDeadline(notice.Rule, notice.NoticeDate);
        var end = state.Dates.End is { } planned && planned < quote.Date ? planned : quote.Date;
        var ended = state with { Status = ContractStatus.Ending, Dates = state.Dates with { End = end }, ProviderEndClause = quote.Clause };
        commands.Add(Record(state, new HistoryEntry($"event/provider/{notice.Rule}/{notice.NoticeDate:uuuu-MM-dd}", notice.NoticeDate, "ProviderNotice", quote.Clause, quote.Explanation)));
        commands.Add(Enqueue(state, NoticeComposer.ProviderTermination(ended, quote, end, today)));
        return (ended, new Consequence(quote.Explanation, quote.Clause, end));
    }

    private static (ContractState, Consequence) IssueInvoice(ContractState state, YearMonth month, LocalDate today, List<LifecycleCommand> commands)
    {
        var number = InvoiceAssembler.Number(state.ContractId, month);
        if (state.InvoicedMonths.Contains(month))
        {
            return (state, Consequence.Nothing(new Text($"{number}は発行済みです", $"{number} was already issued")) with { InvoiceNumber = number });
        }

        if (month < state.Dates.Start.ToYearMonth())
        {
            return (state, Consequence.Nothing(new Text($"{month:uuuu-MM}は契約開始前です", $"{month:uuuu-MM} is before the contract starts")));
        }

        EnsureMonthEnded(month, today);

        var invoice = BillingCatalog.For(state.Product).Invoice(BillingInputs.For(state, month));
        commands.Add(new IssueInvoice(invoice, state.Customer.Language) { ContractId = state.ContractId });
        commands.Add(Record(state, new HistoryEntry($"invoice/{invoice.Number}", today, "InvoiceIssued", invoice.DueDateClause,
            new Text($"{invoice.Number}を発行（{invoice.Total:N0}円、支払期日 {invoice.DueDate:uuuu-MM-dd}）", $"{invoice.Number} issued (¥{invoice.Total:N0}, due {invoice.DueDate:uuuu-MM-dd})"))));
        commands.Add(Enqueue(state, NoticeComposer.InvoiceIssued(state, invoice, today)));
        var issued = state with
        {
            InvoicedMonths = [.. state.InvoicedMonths, month],
            Usage = [.. state.Usage.Where(u => u.Month != month)],
            Outages = [.. state.Outages.Where(o => o.Month != month)],
            OpenInvoices = invoice.Total > 0 ? [.. state.OpenInvoices, new OpenInvoice(invoice.Number, month, invoice.Total, invoice.Total, invoice.DueDate)] : state.OpenInvoices,
        };
        return (issued, new Consequence(new Text($"{invoice.Number}を発行しました", $"{invoice.Number} issued"), invoice.DueDateClause, invoice.DueDate, invoice.Total, invoice.Number));
    }

    /// <summary>Chases each invoice past its due date: the day after, then every <see cref="OverdueReminderIntervalDays"/> days, with the interest so far.</summary>
    private static (ContractState, Consequence) ChaseOverdue(ContractState state, LocalDate today, List<LifecycleCommand> commands)
    {
        var policy = BillingCatalog.For(state.Product).LateInterest;
        var chased = new List<OpenInvoice>();
        var sent = 0;
        foreach (var invoice in state.OpenInvoices)
        {
            var daysOverdue = Period.Between(invoice.DueDate, today, PeriodUnits.Days).Days;
            var stagesDue = daysOverdue <= 0 ? 0 : ((daysOverdue - 1) / OverdueReminderIntervalDays) + 1;
            if (stagesDue > invoice.OverdueNoticesSent)
            {
                var interest = policy.Compute(invoice.Outstanding, invoice.DueDate, today);
                commands.Add(Enqueue(state, NoticeComposer.PaymentOverdue(state, invoice, interest, stagesDue, today)));
                chased.Add(invoice with { OverdueNoticesSent = stagesDue });
                sent++;
            }
            else
            {
                chased.Add(invoice);
            }
        }

        return sent == 0
            ? (state, Consequence.Nothing(new Text("督促の必要なし", "nothing overdue to chase")))
            : (state with { OpenInvoices = chased }, new Consequence(new Text($"{sent}件の督促", $"{sent} overdue notices"), policy.Clause));
    }

    /// <summary>A month is invoiced only once it has ended.</summary>
    public static void EnsureMonthEnded(YearMonth month, LocalDate today)
    {
        if (month.EndOfMonth() >= today)
        {
            throw new ContractRuleException("month", $"{month:uuuu-MM} has not ended yet on {today:uuuu-MM-dd}");
        }
    }

    private static void EnsureOpen(ContractState state, string field)
    {
        if (state.Status == ContractStatus.Closed)
        {
            throw new ContractRuleException(field, $"contract {state.ContractId} has already ended", kind: RefusalKind.Conflict);
        }
    }

    private static void EnsureNotInvoiced(ContractState state, YearMonth month, string field)
    {
        if (state.InvoicedMonths.Contains(month))
        {
            throw new ContractRuleException(field, $"{month:uuuu-MM} is already invoiced ({InvoiceAssembler.Number(state.ContractId, month)})", kind: RefusalKind.Conflict);
        }
    }

    private static void EnsureNotFuture(LocalDate date, LocalDate today, string field)
    {
        if (date > today)
        {
            throw new ContractRuleException(field, $"{date:uuuu-MM-dd} is in the future (today is {today:uuuu-MM-dd})");
        }
    }

    private static RecordMilestone Record(ContractState state, HistoryEntry entry) => new(entry) { ContractId = state.ContractId };

    private static EnqueueNotice Enqueue(ContractState state, Notice notice) => new(notice) { ContractId = state.ContractId };

    private static LocalDate Min(LocalDate a, LocalDate b) => a < b ? a : b;

    private static LocalDate Max(LocalDate a, LocalDate b) => a > b ? a : b;
}
