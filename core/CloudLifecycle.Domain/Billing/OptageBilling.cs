using System.Collections.Frozen;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Core.Billing;

/// <summary>
/// OPTAGE 別表2/別表3: whole calendar months from the start month through the end month (no
/// proration), plan base + graduated per-component prices, the initial fee, the metric-relaxation
/// option, Neutrix's start-month resource-fee rule, early termination (§11-2) and downgrade (§11-3)
/// charges, outage credits prorated by calendar days (§24-2). Tax fractions are truncated (別表3-2);
/// the terms name no rule for fee fractions, so they are truncated too (our interpretation).
/// </summary>
public sealed class OptageBilling : ProductBilling
{
    private static Tier[] Bands(decimal first5, decimal to20, decimal beyond) =>
        [new Tier(5, first5), new Tier(20, to20), new Tier(null, beyond)];

    /// <summary>別表2: monthly base fee and graduated per-component prices (Premium: Linux, or Windows once any component runs it).</summary>
    public static readonly FrozenDictionary<string, (decimal Base, GraduatedTiers Linux, GraduatedTiers Windows, Text Name)> Plans =
        new Dictionary<string, (decimal, GraduatedTiers, GraduatedTiers, Text)>
        {
            ["entry"] = (10_000m, new(Bands(4_000, 3_000, 2_800)), new(Bands(4_000, 3_000, 2_800)), new Text("エントリー", "Entry")),
            ["standard"] = (20_000m, new(Bands(9_000, 8_200, 7_400)), new(Bands(9_000, 8_200, 7_400)), new Text("スタンダード", "Standard")),
            ["advanced"] = (20_000m, new(Bands(15_000, 12_000, 10_000)), new(Bands(15_000, 12_000, 10_000)), new Text("アドバンスト", "Advanced")),
            ["premium"] = (50_000m, new(Bands(25_000, 21_000, 15_000)), new(Bands(30_000, 25_000, 21_000)), new Text("プレミアム", "Premium")),
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

    public override (RoundingPolicy Policy, string Clause) FeeRounding => (RoundingPolicy.Truncate, "別表3-2");

    public override (RoundingPolicy Policy, string Clause) TaxRounding => (RoundingPolicy.Truncate, "別表3-2");

    public override LateInterestPolicy LateInterest { get; } =
        new(AnnualRate: 0.145m, CountsPaymentDay: false, WaiverDays: 0, RoundingPolicy.Truncate, "§27");

    protected override string PaymentClause => "別表3-3";

    /// <summary>The managed-service monthly fee of a plan (別表2): base + graduated component prices.</summary>
    public static decimal MonthlyManagedFee(PlanSelection selection)
    {
        var plan = Plan(selection.Plan);
        return plan.Base + (selection.Windows ? plan.Windows : plan.Linux).Price(selection.Components);
    }

    /// <summary>別表3-3 leaves the due date to OPTAGE: by default the end of the month after the charge month.</summary>
    protected override (LocalDate Issue, LocalDate Due, string Clause) Dates(BillingInput input)
    {
        var monthsAfter = input.DueMonthsAfter ?? 1;
        if (monthsAfter is < 1 or > 3)
        {
            throw new ContractRuleException("dueMonthsAfter", $"{monthsAfter}: the due date must be 1 to 3 months after the charge month", PaymentClause);
        }

        return base.Dates(input) with { Due = input.Month.PlusMonths(monthsAfter).EndOfMonth() };
    }

    protected override IEnumerable<InvoiceLine> Lines(BillingInput input)
    {
        var selection = Selection(input);
        var plan = Plan(selection.Plan);
        var startMonth = input.Month == input.Start.ToYearMonth();

        yield return InvoiceAssembler.Line("managed-base", new Text($"マネージドサービス 月額基本料金（{plan.Name.Ja}）", $"managed service base fee ({plan.Name.En})"),
            Round(new FlatFee(plan.Base).Price(selection.Components)), "別表2");
        var tiers = selection.Windows ? plan.Windows : plan.Linux;
        var os = selection.Windows && selection.Plan == "premium" ? new Text("Windows価格", "Windows prices") : new Text(string.Empty, string.Empty);
        yield return InvoiceAssembler.Line("managed-components",
            new Text($"コンポーネント料金 {TierBreakdown(tiers, selection.Components)} {os.Ja}".TrimEnd(), $"components {TierBreakdown(tiers, selection.Components)} {os.En}".TrimEnd()),
            Round(tiers.Price(selection.Components)), "別表2", selection.Components, null);

        var recurring = Round(MonthlyManagedFee(selection));
        if (input.ResourceFee is { } resourceFee)
        {
            var free = startMonth && _terms.FirstResourceFeeMonth(input.Start) > input.Month;
            var fee = free ? 0 : Round(NonNegative(resourceFee, "resourceFee", "別表3-1"));
            recurring += fee;
            yield return InvoiceAssembler.Line("resource-fee",
                free
                    ? new Text("Neutrix Cloud 利用料金（第2営業日以降の利用開始のため開始月は無料）", "Neutrix Cloud resource fee (start on or after the 2nd business day: start month free)")
                    : new Text(_terms.HasStartMonthResourceFeeRule ? "Neutrix Cloud 利用料金" : "クラウド・ストレージ 利用料金", _terms.HasStartMonthResourceFeeRule ? "Neutrix Cloud resource fee" : "cloud storage fee"),
                fee, "別表3-1");
        }

        if (input.MetricRelaxationComponents > 0)
        {
            var relaxation = Round(new PerUnit(MetricRelaxationPerComponent).Price(input.MetricRelaxationComponents));
            recurring += relaxation;
            yield return InvoiceAssembler.Line("metric-relaxation",
                new Text($"メトリック上限緩和オプション {input.MetricRelaxationComponents} × 2,000円", $"metric-limit relaxation {input.MetricRelaxationComponents} × ¥2,000"),
                relaxation, "別表2", input.MetricRelaxationComponents, MetricRelaxationPerComponent);
        }

        if (startMonth)
        {
            var extra = Math.Max(0, selection.Components - ComponentsInInitialFee);
            yield return InvoiceAssembler.Line("initial-fee",
                new Text($"初期費用（5コンポーネントまで50,000円 + 追加{extra} × 10,000円）", $"initial fee (¥50,000 for up to 5 components + {extra} × ¥10,000)"),
                Round(InitialFee + extra * InitialFeePerExtraComponent), "別表2 備考");
        }

        if (input.AddedComponents > 0)
        {
            yield return InvoiceAssembler.Line("added-components",
                new Text($"コンポーネント追加の初期費用 {input.AddedComponents} × 10,000円", $"initial fee for added components {input.AddedComponents} × ¥10,000"),
                Round(input.AddedComponents * InitialFeePerExtraComponent), "別表2 備考", input.AddedComponents, InitialFeePerExtraComponent);
        }

        if (OutageCredit(input.Outage, input.Month, recurring, "§24-2, 別表3-1") is { } credit)
        {
            yield return credit;
        }

        if (input.DowngradedFrom is { } previous && DowngradeCharge(input, previous, selection) is { } downgrade)
        {
            yield return downgrade;
        }

        if (input.End is { } end && end.ToYearMonth() == input.Month && OptageTerms.RemainingMinimumTermMonths(input.Start, end) is var remaining and > 0)
        {
            yield return InvoiceAssembler.Line("early-termination",
                new Text($"最低利用期間内の解約：残り{remaining}か月分（月額{recurring:N0}円）", $"ended inside the minimum term: the remaining {Text.Months(remaining)} at ¥{recurring:N0} a month"),
                remaining * recurring, OptageTerms.EarlyTerminationClause, remaining, recurring);
        }
    }

    /// <summary>§11-3: inside the minimum term, (old − new monthly) × the months after this one through the term's last month; upgrades owe nothing.</summary>
    private InvoiceLine? DowngradeCharge(BillingInput input, PlanSelection previous, PlanSelection current)
    {
        var difference = Round(MonthlyManagedFee(previous) - MonthlyManagedFee(current));
        var remaining = CivilPeriod.MonthsAfterThrough(input.Month, OptageTerms.MinimumTermEnd(input.Start).ToYearMonth());
        if (difference <= 0 || remaining == 0)
        {
            return null;
        }

        return InvoiceAssembler.Line("downgrade",
            new Text($"最低利用期間内の減額変更：差額{difference:N0}円 × 残り{remaining}か月", $"downgrade inside the minimum term: ¥{difference:N0} difference × {Text.Months(remaining)}"),
            difference * remaining, "§11-3", remaining, difference);
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

    private static (decimal Base, GraduatedTiers Linux, GraduatedTiers Windows, Text Name) Plan(string name) =>
        Plans.TryGetValue(name, out var plan) ? plan
            : throw new ContractRuleException("plan", $"unknown plan '{name}'; expected entry, standard, advanced or premium", "別表2");

    /// <summary>"5 × 9,000 + 15 × 8,200 + 2 × 7,400": the bands a quantity fills.</summary>
    private static string TierBreakdown(GraduatedTiers tiers, int components)
    {
        var parts = new List<string>();
        decimal lower = 0;
        foreach (var tier in tiers.Tiers)
        {
            var inBand = Math.Min(components, tier.UpTo ?? components) - lower;
            if (inBand > 0)
            {
                parts.Add($"{inBand:0} × {tier.UnitPrice:N0}");
            }

            lower = tier.UpTo ?? lower;
            if (components <= lower)
            {
                break;
            }
        }

        return string.Join(" + ", parts);
    }
}
