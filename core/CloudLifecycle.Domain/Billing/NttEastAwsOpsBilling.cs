using System.Collections.Frozen;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Core.Billing;

/// <summary>
/// ntt-east-aws-ops 別紙2: one-off setup items (第1表) and the monthly operations plan per component
/// (第2表) from the month after operations start (§35-1), in a month of one plan change the plan
/// after it and of several the dearest (第2表 注), outage credits by whole days (§35-2), the ¥400
/// qualified-invoice fee on request on an invoice that has charges (§49).
/// §21: every fraction is truncated; §24: tax is added.
/// </summary>
public sealed class NttEastAwsOpsBilling : ProductBilling
{
    /// <summary>第2表: monthly price per component.</summary>
    public static readonly FrozenDictionary<string, (decimal PerComponent, Text Name)> Plans = new Dictionary<string, (decimal, Text)>
    {
        ["entry"] = (5_000m, new Text("エントリープラン", "Entry plan")),
        ["standard"] = (15_000m, new Text("スタンダードプラン", "Standard plan")),
        ["advanced"] = (30_000m, new Text("アドバンストプラン", "Advanced plan")),
    }.ToFrozenDictionary();

    /// <summary>第1表: one-off setup items and their unit prices (detailed setup and migration are quoted individually).</summary>
    public static readonly FrozenDictionary<string, (decimal UnitPrice, Text Name)> SetupItems = new Dictionary<string, (decimal, Text)>
    {
        ["parameter-sheet"] = (15_000m, new Text("パラメータシート作成支援（時間）", "parameter sheet support (hours)")),
        ["cloud-base-setup"] = (100_000m, new Text("クラウド基本設定（アカウント）", "cloud base setup (accounts)")),
        ["component-setup"] = (50_000m, new Text("コンポーネント設定", "component setup (components)")),
        ["maintenance-base-setup"] = (50_000m, new Text("保守初期設定（基本・アカウント）", "maintenance initial setup (accounts)")),
        ["maintenance-component-setup"] = (10_000m, new Text("保守初期設定（コンポーネント）", "maintenance initial setup (components)")),
    }.ToFrozenDictionary();

    /// <summary>§49: a qualified invoice on request, per invoice (tax-exclusive; ¥440 with tax).</summary>
    public const decimal QualifiedInvoiceFee = 400m;

    public override ContractTerms Terms { get; } = new NttEastAwsOpsTerms();

    /// <summary>§21: 「料金その他の計算において、その計算結果に1円未満の端数が生じた場合は、その端数を切り捨てます」.</summary>
    public override RoundingRule FeeRounding { get; } = RoundingRule.ByClause(RoundingPolicy.Truncate, "§21");

    /// <summary>§21 again (tax is a calculation too); §24 adds the tax.</summary>
    public override RoundingRule TaxRounding { get; } = RoundingRule.ByClause(RoundingPolicy.Truncate, "§21, §24");

    public override LateInterestPolicy LateInterest { get; } =
        new(AnnualRate: 0.145m, CountsPaymentDay: false, WaiverDays: 15, RoundingRule.ByClause(RoundingPolicy.Truncate, "§21"), "§19");

    protected override string PaymentClause => NttEastAwsOpsTerms.PaymentClause;

    /// <summary>
    /// 別紙2 第2表 備考 「月額料金が発生した月の翌月に当社から契約者へ請求書を発行し、契約者請求書発行日の月末までにこれを
    /// 支払う」: the due date is the end of the month the invoice is issued in. Issued in the month after the charge month
    /// as the clause says, that is the plan's milestone; an invoice issued later is due at the end of its own issue month.
    /// </summary>
    protected override LocalDate StatedDueDate(BillingInput input, LocalDate issued) => issued.ToYearMonth().EndOfMonth();

    /// <summary>The month's charges: setup items and, from the first charged month, operations and their outage credit.</summary>
    private IEnumerable<InvoiceLine> Charges(BillingInput input)
    {
        foreach (var item in input.SetupItems)
        {
            if (!SetupItems.TryGetValue(item.Item, out var setup))
            {
                throw new ContractRuleException("setupItems.item", $"unknown setup item '{item.Item}'; expected one of {string.Join(", ", SetupItems.Keys.Order(StringComparer.Ordinal))} (detailed setup and data migration are quoted individually)", "別紙2 第1表");
            }

            var quantity = NonNegative(item.Quantity, "setupItems.quantity", "別紙2 第1表");
            yield return InvoiceAssembler.Line("setup-" + item.Item,
                new Text($"{setup.Name.Ja} {quantity:0.##} × {setup.UnitPrice:N0}円", $"{setup.Name.En} {quantity:0.##} × ¥{setup.UnitPrice:N0}"),
                Round(new PerUnit(setup.UnitPrice).Price(quantity).Amount), "§29-1, 別紙2 第1表", quantity, setup.UnitPrice);
        }

        if (input.Month >= NttEastAwsOpsTerms.FirstChargedMonth(input.Start, input.End))
        {
            var operations = Operations(input);
            yield return operations;
            if (OutageCredit(input.Outage, input.Month, operations.Amount, "§35-2") is { } credit)
            {
                yield return credit;
            }
        }
    }

    /// <summary>
    /// §49: 「適格請求書の発行の請求をし、発行を受けたときは、1請求ごとに400円」 — the fee is owed per
    /// invoice issued for the service's charges (料金等の請求額情報). A month with no other charge has no
    /// invoice to issue, so it owes no fee (interpretation): the invoice stays empty.
    /// </summary>
    protected override IEnumerable<InvoiceLine> Lines(BillingInput input)
    {
        var charges = Charges(input).ToList();
        if (input.QualifiedInvoiceRequested && charges.Any(line => line.Amount != 0))
        {
            charges.Add(InvoiceAssembler.Line("qualified-invoice-fee",
                new Text("適格請求書発行手数料", "qualified invoice issue fee"), Round(QualifiedInvoiceFee), "§49"));
        }

        return charges;
    }

    /// <summary>
    /// 別紙2 第2表 (注): 「プランを変更した場合、当該変更月はプラン変更後の月額料金…ただし、同月内に複数回にわたり
    /// プランを変更した場合、当月内における最も高額なプランの料金」 — one change bills the plan after it, several
    /// the dearest plan in force during the month (the one in force on the 1st included). Plans are compared
    /// by their price per component; the month's component count applies (interpretation).
    /// </summary>
    private static BilledPlan PlanOfMonth(BillingInput input)
    {
        var current = input.Plan ?? throw new ContractRuleException("plan", "is required (entry, standard or advanced)", "別紙2 第2表");
        List<string> sequence = input.PlansDuringMonth.Count == 0 ? [current] : [.. input.PlansDuringMonth];
        if (sequence[^1] != current)
        {
            sequence.Add(current);
        }

        var plans = sequence.Select(name => (Name: name, Plan: Plans.TryGetValue(name, out var plan) ? plan
                : throw new ContractRuleException("plan", $"unknown plan '{name}'; expected entry, standard or advanced", "別紙2 第2表")))
            .ToList();
        var changes = plans.Count - 1;
        return changes switch
        {
            0 => new BilledPlan(plans[^1].Plan, new Text(string.Empty, string.Empty), "§35-1, 別紙2 第2表"),
            1 => new BilledPlan(plans[^1].Plan, new Text("（月内のプラン変更：変更後のプラン）", " (plan changed this month: the plan after the change)"), "§35-1, 別紙2 第2表 注"),
            _ => new BilledPlan(plans.MaxBy(p => p.Plan.PerComponent).Plan,
                new Text($"（月内に{changes}回のプラン変更：最も高額なプラン）", $" (plan changed {changes} times this month: the dearest plan)"), "§35-1, 別紙2 第2表 注"),
        };
    }

    private InvoiceLine Operations(BillingInput input)
    {
        var components = input.Components ?? throw new ContractRuleException("components", "is required for the operations plan", "別紙2 第2表");
        if (components < 1)
        {
            throw new ContractRuleException("components", $"{components} components: at least one is charged", "別紙2 第2表");
        }

        var billed = PlanOfMonth(input);
        var priced = new PerUnit(billed.Plan.PerComponent).Price(components);
        return InvoiceAssembler.Line("operations",
            new Text($"運用メニュー {billed.Plan.Name.Ja} {components} × {billed.Plan.PerComponent:N0}円{billed.Why.Ja}",
                $"operations, {billed.Plan.Name.En} {components} × ¥{billed.Plan.PerComponent:N0}{billed.Why.En}"),
            Round(priced.Amount), billed.Clause, components, priced.UnitPrice);
    }

    private sealed record BilledPlan((decimal PerComponent, Text Name) Plan, Text Why, string Clause);
}
