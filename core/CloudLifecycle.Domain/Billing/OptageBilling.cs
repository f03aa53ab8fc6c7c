using System.Collections.Frozen;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Core.Billing;

/// <summary>
/// OPTAGE 別表2/別表3: whole calendar months from the start month through the end month (no
/// proration), plan base + component prices, the initial fee, the metric-relaxation option,
/// Neutrix's start-month resource-fee rule, early termination (§11-2) and downgrade (§11-3)
/// charges, outage credits prorated by calendar days (§24-2). Component prices charge the month's
/// count by volume unless the contract says graduated (<see cref="ComponentPricing"/>): every
/// figure priced from the count — the month's fee, §11-2, §11-3, §24-2 — follows the setting.
/// Tax fractions are truncated (別表3-2); the terms name no rule for fee fractions, so fees follow
/// our policy (<see cref="RoundingRule.OurPolicy"/>).
/// </summary>
public sealed class OptageBilling : ProductBilling
{
    private static Tier[] Bands(decimal first5, decimal to20, decimal beyond) =>
        [new Tier(5, first5), new Tier(20, to20), new Tier(null, beyond)];

    /// <summary>
    /// 別表2: monthly base fee and the per-component price of each band of the count (1–5, 6–20, 21–);
    /// Premium has Linux prices (※1) and Windows prices (※2), the latter 「1契約の中にWindowsOSが混在している場合」.
    /// </summary>
    public static readonly FrozenDictionary<string, OptagePlan> Plans = new Dictionary<string, OptagePlan>
    {
        ["entry"] = new(new Text("エントリー", "Entry"), 10_000m, Bands(4_000, 3_000, 2_800), Bands(4_000, 3_000, 2_800)),
        ["standard"] = new(new Text("スタンダード", "Standard"), 20_000m, Bands(9_000, 8_200, 7_400), Bands(9_000, 8_200, 7_400)),
        ["advanced"] = new(new Text("アドバンスト", "Advanced"), 20_000m, Bands(15_000, 12_000, 10_000), Bands(15_000, 12_000, 10_000)),
        ["premium"] = new(new Text("プレミアム", "Premium"), 50_000m, Bands(25_000, 21_000, 15_000), Bands(30_000, 25_000, 21_000)),
    }.ToFrozenDictionary();

    /// <summary>別表2 備考: the initial fee covers five components; each further one, then or later, adds ¥10,000.</summary>
    public const decimal InitialFee = 50_000m;

    public const int ComponentsInInitialFee = 5;

    public const decimal InitialFeePerExtraComponent = 10_000m;

    /// <summary>別表2: metric-limit relaxation option, per component per month.</summary>
    public const decimal MetricRelaxationPerComponent = 2_000m;

    private readonly OptageTerms _terms;

    private OptageBilling(OptageTerms terms) => _terms = terms;

    public static OptageBilling Neutrix { get; } = new(OptageTerms.Neutrix);

    public static OptageBilling Storage { get; } = new(OptageTerms.Storage);

    public override ContractTerms Terms => _terms;

    /// <summary>別表3-2 names the tax fraction only: fee fractions follow our policy.</summary>
    public override RoundingRule FeeRounding => RoundingRule.OurPolicy;

    /// <summary>別表3-2: 「消費税相当額の算出において…その端数を切り捨てます」.</summary>
    public override RoundingRule TaxRounding { get; } = RoundingRule.ByClause(RoundingPolicy.Truncate, "別表3-2");

    /// <summary>§27 names no rounding: our policy.</summary>
    public override LateInterestPolicy LateInterest { get; } =
        new(AnnualRate: 0.145m, CountsPaymentDay: false, WaiverDays: 0, RoundingRule.OurPolicy, "§27");

    protected override string PaymentClause => "別表3-3";

    /// <summary>The managed-service monthly fee of a plan (別表2): base + component prices as the contract's setting charges them.</summary>
    public static decimal MonthlyManagedFee(PlanSelection selection, ComponentPricing pricing)
    {
        var plan = Plan(selection.Plan);
        return plan.BaseFee + plan.ComponentPrices(selection.Windows, pricing).Price(selection.Components).Amount;
    }

    /// <summary>
    /// 別表3-3 「当社が指定する期日までに」 leaves the due date to OPTAGE: by default the end of the month after the charge
    /// month (<see cref="BillingInput.DueMonthsAfter"/> months). Our policy for an invoice issued later than the month
    /// after its charge month (a contract registered after its first months): the months count from the month before
    /// the issue month, so a late invoice leaves the customer the span an on-time one does (for one month: the end of
    /// the issue month) and is never due before it is issued. Moved off bank holidays like every due date (民法 §142).
    /// </summary>
    protected override LocalDate StatedDueDate(BillingInput input, LocalDate issued)
    {
        var monthsAfter = input.DueMonthsAfter ?? 1;
        if (monthsAfter is < 1 or > 3)
        {
            throw new ContractRuleException("dueMonthsAfter", $"{monthsAfter}: the due date must be 1 to 3 months after the charge month", PaymentClause);
        }

        var onTimeIssueMonth = input.Month.PlusMonths(1);
        var countedFrom = issued.ToYearMonth() > onTimeIssueMonth ? issued.ToYearMonth().PlusMonths(-1) : input.Month;
        return countedFrom.PlusMonths(monthsAfter).EndOfMonth();
    }

    protected override IEnumerable<InvoiceLine> Lines(BillingInput input)
    {
        var selection = Selection(input);
        var plan = Plan(selection.Plan);
        var startMonth = input.Month == input.Start.ToYearMonth();

        var baseFee = Round(new FlatFee(plan.BaseFee).Price(selection.Components).Amount);
        yield return InvoiceAssembler.Line("managed-base", new Text($"マネージドサービス 月額基本料金（{plan.Name.Ja}）", $"managed service base fee ({plan.Name.En})"),
            baseFee, "別表2");
        var components = plan.ComponentPrices(selection.Windows, input.ComponentPricing).Price(selection.Components);
        var componentFee = Round(components.Amount);
        var os = selection.Windows && selection.Plan == "premium" ? new Text(" Windows価格", " Windows prices") : new Text(string.Empty, string.Empty);
        yield return InvoiceAssembler.Line("managed-components",
            new Text($"コンポーネント料金 {components.Computation}{os.Ja}", $"components {components.Computation}{os.En}"),
            componentFee, "別表2", selection.Components, components.UnitPrice);

        // Two monthly figures: what this month bills (outage credits reduce it, §24-2), and the month's
        // prescribed fee (所定料金) the minimum term's remaining months are owed at (§11-2). They differ
        // only in Neutrix's free start month, whose waiver (別表3-1) covers that month alone.
        var billed = baseFee + componentFee;
        var prescribed = billed;
        if (input.ResourceFee is { } resourceFee)
        {
            var fee = Round(NonNegative(resourceFee, "resourceFee", "別表3-1"));
            var free = startMonth && _terms.FirstResourceFeeMonth(input.Start) > input.Month;
            billed += free ? 0 : fee;
            prescribed += fee;
            yield return InvoiceAssembler.Line("resource-fee",
                free
                    ? new Text("Neutrix Cloud 利用料金（第2営業日以降の利用開始のため開始月は無料）", "Neutrix Cloud resource fee (start on or after the 2nd business day: start month free)")
                    : new Text(_terms.HasStartMonthResourceFeeRule ? "Neutrix Cloud 利用料金" : "クラウド・ストレージ 利用料金", _terms.HasStartMonthResourceFeeRule ? "Neutrix Cloud resource fee" : "cloud storage fee"),
                free ? 0 : fee, "別表3-1");
        }

        if (input.MetricRelaxationComponents > 0)
        {
            var priced = new PerUnit(MetricRelaxationPerComponent).Price(input.MetricRelaxationComponents);
            var relaxation = Round(priced.Amount);
            billed += relaxation;
            prescribed += relaxation;
            yield return InvoiceAssembler.Line("metric-relaxation",
                new Text($"メトリック上限緩和オプション {input.MetricRelaxationComponents} × 2,000円", $"metric-limit relaxation {input.MetricRelaxationComponents} × ¥2,000"),
                relaxation, "別表2", input.MetricRelaxationComponents, priced.UnitPrice);
        }

        if (startMonth)
        {
            var extra = Math.Max(0, selection.Components - ComponentsInInitialFee);
            yield return InvoiceAssembler.Line("initial-fee",
                new Text($"初期費用（5コンポーネントまで50,000円 + 追加{extra} × 10,000円）", $"initial fee (¥50,000 for up to 5 components + {extra} × ¥10,000)"),
                Round(InitialFee + new PerUnit(InitialFeePerExtraComponent).Price(extra).Amount), "別表2 備考");
        }

        if (input.AddedComponents > 0)
        {
            yield return InvoiceAssembler.Line("added-components",
                new Text($"コンポーネント追加の初期費用 {input.AddedComponents} × 10,000円", $"initial fee for added components {input.AddedComponents} × ¥10,000"),
                Round(new PerUnit(InitialFeePerExtraComponent).Price(input.AddedComponents).Amount), "別表2 備考", input.AddedComponents, InitialFeePerExtraComponent);
        }

        if (OutageCredit(input.Outage, input.Month, billed, "§24-2, 別表3-1") is { } credit)
        {
            yield return credit;
        }

        if (input.DowngradedFrom is { } previous && DowngradeCharge(input, previous, selection) is { } downgrade)
        {
            yield return downgrade;
        }

        // §11-2 「専ら当社の責に帰すべき事由による場合を除きます」: an end the provider set (§29-3, §5-3) owes no remaining months.
        if (input.End is { } end && !input.EndedByProvider && end.ToYearMonth() == input.Month && OptageTerms.RemainingMinimumTermMonths(input.Start, end) is var remaining and > 0)
        {
            yield return InvoiceAssembler.Line("early-termination",
                new Text($"最低利用期間内の解約：残り{remaining}か月分（月額{prescribed:N0}円）", $"ended inside the minimum term: the remaining {Text.Months(remaining)} at ¥{prescribed:N0} a month"),
                remaining * prescribed, OptageTerms.EarlyTerminationClause, remaining, prescribed, TaxTreatment.OptageEarlyTermination);
        }
    }

    /// <summary>§11-3: inside the minimum term, (old − new monthly) × the months after this one through the term's last month; upgrades owe nothing.</summary>
    private InvoiceLine? DowngradeCharge(BillingInput input, PlanSelection previous, PlanSelection current)
    {
        var difference = Round(MonthlyManagedFee(previous, input.ComponentPricing) - MonthlyManagedFee(current, input.ComponentPricing));
        var remaining = CivilPeriod.MonthsAfterThrough(input.Month, OptageTerms.MinimumTermEnd(input.Start).ToYearMonth());
        if (difference <= 0 || remaining == 0)
        {
            return null;
        }

        return InvoiceAssembler.Line("downgrade",
            new Text($"最低利用期間内の減額変更：差額{difference:N0}円 × 残り{remaining}か月", $"downgrade inside the minimum term: ¥{difference:N0} difference × {Text.Months(remaining)}"),
            difference * remaining, "§11-3", remaining, difference, TaxTreatment.OptageDowngrade);
    }

    private static PlanSelection Selection(BillingInput input)
    {
        var plan = input.Plan ?? throw new ContractRuleException("plan", "is required (entry, standard, advanced or premium)", "別表2");
        var components = input.Components ?? throw new ContractRuleException("components", "is required", "別表2");
        if (components < 1)
        {
            throw new ContractRuleException("components", $"{components} components: at least one is charged", "別表2");
        }

        Plan(plan);
        return new PlanSelection(plan, components, input.Windows);
    }

    private static OptagePlan Plan(string name) =>
        Plans.TryGetValue(name, out var plan) ? plan
            : throw new ContractRuleException("plan", $"unknown plan '{name}'; expected entry, standard, advanced or premium", "別表2");
}

/// <summary>One plan of OPTAGE 別表2: its name, monthly base fee and the bands of its per-component price.</summary>
public sealed record OptagePlan(Text Name, decimal BaseFee, IReadOnlyList<Tier> LinuxBands, IReadOnlyList<Tier> WindowsBands)
{
    /// <summary>The component prices as the contract's setting charges them; Windows prices once any component runs Windows (※2).</summary>
    public IPricingModel ComponentPrices(bool windows, ComponentPricing pricing) =>
        TieredPricing.For(pricing, windows ? WindowsBands : LinuxBands);
}
