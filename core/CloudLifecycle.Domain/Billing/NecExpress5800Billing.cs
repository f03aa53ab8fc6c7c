using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Core.Billing;

/// <summary>
/// nec-express5800 §4: base fee + metered quantity × unit price, invoiced the next month (§5-1).
/// Outage credits (§11-1), remaining months on early termination (§24-2, §13, §25-2, §26-3) and the
/// daily base fee for a removal the customer delayed (§29-3). The terms name no rounding rule:
/// fees, tax and late interest follow our policy (<see cref="RoundingRule.OurPolicy"/>).
/// </summary>
public sealed class NecExpress5800Billing : ProductBilling
{
    public override ContractTerms Terms { get; } = new NecExpress5800Terms();

    /// <summary>No clause names a rounding rule (§4 sets the fees, §5-1 bills them with tax): our policy, truncation.</summary>
    public override RoundingRule FeeRounding => RoundingRule.OurPolicy;

    /// <summary>As <see cref="FeeRounding"/>: §5-1 bills 「消費税等相当額」 without a rounding rule.</summary>
    public override RoundingRule TaxRounding => RoundingRule.OurPolicy;

    public override LateInterestPolicy LateInterest { get; } =
        new(AnnualRate: 0.146m, CountsPaymentDay: true, WaiverDays: 0, RoundingRule.OurPolicy, "§5-2");

    protected override string PaymentClause => NecExpress5800Terms.PaymentClause;

    /// <summary>"§5-1, policy: truncate": §5-1 bills the tax, our policy rounds it.</summary>
    protected override string TaxClause => $"{NecExpress5800Terms.PaymentClause}, {TaxRounding.Cite()}";

    /// <summary>
    /// §5-1 「翌月に契約者に対して請求し、契約者は当該請求書発行月の翌月末日までに…支払う」: the due date counts from the
    /// month the invoice is issued in, not the usage month — the end of the month after the issue month. Issued in
    /// the next month as §5-1 says, that is the end of the second month after usage (the plan's milestone); an
    /// invoice issued later (a contract registered after its first months) is due a month after its issue month.
    /// </summary>
    protected override LocalDate StatedDueDate(BillingInput input, LocalDate issued) => issued.ToYearMonth().PlusMonths(1).EndOfMonth();

    /// <summary>Charges run through the usage period, or the month of an early termination; a delayed removal bills its own month.</summary>
    protected override YearMonth? LastBillableMonth(BillingInput input)
    {
        var end = (input.Termination?.Date ?? Required(input.End, "end", NecExpress5800Terms.UsagePeriodClause)).ToYearMonth();
        return input.RemovalDelay is { } delay && delay.CompletedOn.ToYearMonth() > end ? delay.CompletedOn.ToYearMonth() : end;
    }

    protected override IEnumerable<InvoiceLine> Lines(BillingInput input)
    {
        var usageEnd = Required(input.End, "end", NecExpress5800Terms.UsagePeriodClause);
        var baseFee = Round(NonNegative(Required(input.BaseFee, "baseFee", "§4-3"), "baseFee", "§4-3"));
        var lastUsageMonth = (input.Termination?.Date ?? usageEnd).ToYearMonth();
        if (input.Month <= lastUsageMonth)
        {
            foreach (var line in UsageLines(input, baseFee, usageEnd))
            {
                yield return line;
            }
        }

        if (input.RemovalDelay is { } delay && delay.CompletedOn.ToYearMonth() == input.Month)
        {
            yield return RemovalDelayCharge(delay, baseFee, usageEnd);
        }
    }

    private IEnumerable<InvoiceLine> UsageLines(BillingInput input, long baseFee, LocalDate usageEnd)
    {
        yield return InvoiceAssembler.Line("base-fee", new Text("基本料金", "base fee"), baseFee, "§4-1, §4-3");

        var unitPrice = NonNegative(Required(input.UnitPrice, "unitPrice", "§4-4"), "unitPrice", "§4-4");
        var quantity = NonNegative(Required(input.Quantity, "quantity", "§4-4"), "quantity", "§4-4");
        yield return InvoiceAssembler.Line("metered-fee",
            new Text($"従量料金（{quantity:0.####} × {unitPrice:N0}円）", $"metered fee ({quantity:0.####} × ¥{unitPrice:N0})"),
            Round(new PerUnit(unitPrice).Price(quantity).Amount), "§4-4", quantity, unitPrice);

        if (input.NecOutage is { } outage)
        {
            yield return OutageCredit(outage, input.Month, baseFee);
        }

        if (input.Termination is { } termination && termination.Date.ToYearMonth() == input.Month)
        {
            yield return TerminationCharge(termination, baseFee, usageEnd);
        }
    }

    /// <summary>
    /// §11-1: ≥ 10 days down after the provider learned of it, applied for by the 10th business day
    /// of the month after the customer could first apply (10 days after it was known); credits the
    /// base fee of a later month, at most that month's base fee (no cash refund).
    /// Interpretation: daily base fee = monthly base fee ÷ days of the outage's month.
    /// </summary>
    private InvoiceLine OutageCredit(NecOutage outage, YearMonth month, long baseFee)
    {
        const string clause = NecExpress5800Terms.OutageApplicationClause;
        if (outage.DownDays < 10)
        {
            throw new ContractRuleException("necOutage.downDays", $"{outage.DownDays} days down: a credit needs 10 days or more", clause);
        }

        var deadline = NecExpress5800Terms.OutageApplicationDeadline(outage.KnownOn.PlusDays(10));
        if (outage.AppliedOn > deadline)
        {
            throw new ContractRuleException("necOutage.appliedOn", $"applied on {outage.AppliedOn:uuuu-MM-dd}, after the deadline {deadline:uuuu-MM-dd}", clause);
        }

        var outageMonth = outage.KnownOn.ToYearMonth();
        if (month <= outageMonth)
        {
            throw new ContractRuleException("month", $"the credit reduces base fees from the month after the outage ({outageMonth.PlusMonths(1):uuuu-MM})", clause);
        }

        var days = outageMonth.Calendar.GetDaysInMonth(outageMonth.Year, outageMonth.Month);
        var credit = Round(baseFee * (decimal)outage.DownDays / days);
        var applied = Math.Min(credit, baseFee);
        var remainder = credit - applied;
        return InvoiceAssembler.Line("outage-credit", new Text(
                $"利用不能による基本料金の減額（{outage.DownDays}日 × {baseFee:N0}円 ÷ {days}日）" + (remainder > 0 ? $"、残額{remainder:N0}円は翌月以降に減額" : string.Empty),
                $"outage credit ({outage.DownDays} days × ¥{baseFee:N0} ÷ {days})" + (remainder > 0 ? $"; ¥{remainder:N0} credited in later months" : string.Empty)),
            -applied, clause, outage.DownDays, null, TaxTreatment.OutageCredit);
    }

    /// <summary>
    /// The termination amounts are due as their own clause says, not with the month (§5-1): §24-2
    /// 「解約日において…直ちに」 and §13 「直ちに」 on the termination day, §25-2 「解除された月の翌月末日までに」 and
    /// §26-3 「翌月に」 by the end of the next month — each dated by the terms' rule of that name.
    /// </summary>
    protected override (LocalDate Date, string Clause)? SeparatelyDue(BillingInput input, InvoiceLine line)
    {
        if (line.Code != "remaining-months" || input.Termination is not { } termination)
        {
            return null;
        }

        var rule = termination.Reason switch
        {
            NecTerminationReason.Cancellation => "cancellation-charges-due",
            NecTerminationReason.EquipmentLoss => "equipment-loss-penalty-due",
            NecTerminationReason.FalseStatement => "false-statement-termination-due",
            _ => "breach-termination-penalty-due",
        };
        var due = Terms.QuoteDeadline(rule, termination.Date);
        return (due.Date, due.Clause);
    }

    private static InvoiceLine TerminationCharge(NecTermination termination, long baseFee, LocalDate usageEnd)
    {
        // The tax of each: TaxTreatment (§24-2 fees taxed; §13, §25-2, §26-3 penalties outside the scope).
        var (clause, ja, en, taxRate) = termination.Reason switch
        {
            NecTerminationReason.Cancellation => (NecExpress5800Terms.RemainingFeesClause, "中途解約", "early cancellation", TaxTreatment.NecCancellationRemainingFees),
            NecTerminationReason.EquipmentLoss => ("§13", "機器の滅失等による違約金", "penalty for lost or destroyed equipment", TaxTreatment.NecTerminationPenalty),
            NecTerminationReason.FalseStatement => ("§25-2", "解除による違約金", "penalty on termination for false statements", TaxTreatment.NecTerminationPenalty),
            _ => ("§26-3", "解除による違約金", "penalty on termination for breach", TaxTreatment.NecTerminationPenalty),
        };
        if (termination.Reason == NecTerminationReason.Cancellation && termination.Date != termination.Date.EndOfMonth())
        {
            throw new ContractRuleException("termination.date", "a cancellation takes effect on the last day of a month", NecExpress5800Terms.CancellationClause);
        }

        var remaining = CivilPeriod.MonthsAfterThrough(termination.Date.ToYearMonth(), usageEnd.ToYearMonth());
        return InvoiceAssembler.Line("remaining-months",
            new Text($"{ja}：利用期間満了（{usageEnd:uuuu-MM-dd}）までの残り{remaining}か月分の基本料金", $"{en}: base fee for the remaining {Text.Months(remaining)} to {usageEnd:uuuu-MM-dd}"),
            remaining * baseFee, clause, remaining, baseFee, taxRate);
    }

    /// <summary>
    /// §29-3: damages of the daily base fee from the day after the agreed date through the completion
    /// day (interpretation: ÷ days of the agreed date's month); damages are outside the scope of tax (<see cref="TaxTreatment"/>).
    /// </summary>
    private InvoiceLine RemovalDelayCharge(RemovalDelay delay, long baseFee, LocalDate usageEnd)
    {
        const string clause = "§29-3";
        if (delay.AgreedDate <= usageEnd || delay.CompletedOn <= delay.AgreedDate)
        {
            throw new ContractRuleException("removalDelay", "the agreed date must follow the usage period, and the completion the agreed date", clause);
        }

        var days = Period.Between(delay.AgreedDate, delay.CompletedOn, PeriodUnits.Days).Days;
        var month = delay.AgreedDate.ToYearMonth();
        var daysInMonth = month.Calendar.GetDaysInMonth(month.Year, month.Month);
        return InvoiceAssembler.Line("removal-delay",
            new Text($"撤去遅延損害金（{days}日 × {baseFee:N0}円 ÷ {daysInMonth}日）", $"delayed removal ({days} days × ¥{baseFee:N0} ÷ {daysInMonth})"),
            Round(baseFee * (decimal)days / daysInMonth), clause, days, null, TaxTreatment.NecRemovalDelayDamages);
    }
}
