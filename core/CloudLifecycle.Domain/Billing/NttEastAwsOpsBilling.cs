using System.Collections.Frozen;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;

namespace CloudLifecycle.Core.Billing;

/// <summary>
/// ntt-east-aws-ops 別紙2: one-off setup items (第1表) and the monthly operations plan per component
/// (第2表) from the month after operations start (§35-1), the dearest plan of a month in which it
/// changed, outage credits by whole days (§35-2), the ¥400 qualified-invoice fee on request (§49).
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

    public override (RoundingPolicy Policy, string Clause) FeeRounding => (RoundingPolicy.Truncate, "§21");

    public override (RoundingPolicy Policy, string Clause) TaxRounding => (RoundingPolicy.Truncate, "§21, §24");

    public override LateInterestPolicy LateInterest { get; } =
        new(AnnualRate: 0.145m, CountsPaymentDay: false, WaiverDays: 15, RoundingPolicy.Truncate, "§19");

    protected override string PaymentClause => NttEastAwsOpsTerms.PaymentClause;

    protected override IEnumerable<InvoiceLine> Lines(BillingInput input)
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
                Round(new PerUnit(setup.UnitPrice).Price(quantity)), "§29-1, 別紙2 第1表", quantity, setup.UnitPrice);
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

        if (input.QualifiedInvoiceRequested)
        {
            yield return InvoiceAssembler.Line("qualified-invoice-fee",
                new Text("適格請求書発行手数料", "qualified invoice issue fee"), Round(QualifiedInvoiceFee), "§49");
        }
    }

    /// <summary>第2表 注: a month in which the plan changed bills the dearest plan of that month.</summary>
    private InvoiceLine Operations(BillingInput input)
    {
        var components = input.Components ?? throw new ContractRuleException("components", "is required for the operations plan", "別紙2 第2表");
        if (components < 1)
        {
            throw new ContractRuleException("components", $"{components} components: at least one is charged", "別紙2 第2表");
        }

        var plans = input.PlansDuringMonth.Append(input.Plan ?? throw new ContractRuleException("plan", "is required (entry, standard or advanced)", "別紙2 第2表"))
            .Distinct(StringComparer.Ordinal)
            .Select(name => (Name: name, Plan: Plans.TryGetValue(name, out var plan) ? plan
                : throw new ContractRuleException("plan", $"unknown plan '{name}'; expected entry, standard or advanced", "別紙2 第2表")))
            .ToList();
        var billed = plans.MaxBy(p => p.Plan.PerComponent);
        var changed = plans.Count > 1
            ? new Text("（月内のプラン変更：最も高額なプラン）", " (plan changed this month: the dearest plan)")
            : new Text(string.Empty, string.Empty);
        return InvoiceAssembler.Line("operations",
            new Text($"運用メニュー {billed.Plan.Name.Ja} {components} × {billed.Plan.PerComponent:N0}円{changed.Ja}",
                $"operations, {billed.Plan.Name.En} {components} × ¥{billed.Plan.PerComponent:N0}{changed.En}"),
            Round(new PerUnit(billed.Plan.PerComponent).Price(components)), plans.Count > 1 ? "§35-1, 別紙2 第2表 注" : "§35-1, 別紙2 第2表",
            components, billed.Plan.PerComponent);
    }
}
