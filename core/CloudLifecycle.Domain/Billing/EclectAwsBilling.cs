using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Core.Billing;

/// <summary>
/// eclect-aws §13: AWS usage (USD at the month's rate, §15), AWS support 10% (first month free),
/// the billing-agency fee 10% of usage + support or ¥3,000 below ¥30,000 of usage (¥0 without usage).
/// §19: fee fractions round up, tax fractions round down. §13-3: charges follow the calendar month.
/// </summary>
public sealed class EclectAwsBilling : ProductBilling
{
    public static readonly IPricingModel Support = new PercentageOf(0.10m);

    public static readonly FlatBelowThreshold AgencyFee = new(Threshold: 30_000m, FlatAmount: 3_000m, Otherwise: new PercentageOf(0.10m));

    public override ContractTerms Terms { get; } = new EclectAwsTerms();

    /// <summary>§19: 「料金その他の計算において…1円未満の端数が生じた場合は、その端数を切り上げる」.</summary>
    public override RoundingRule FeeRounding { get; } = RoundingRule.ByClause(RoundingPolicy.Up, "§19");

    /// <summary>§19 ただし書: 「消費税の計算において…端数を切り捨てる」.</summary>
    public override RoundingRule TaxRounding { get; } = RoundingRule.ByClause(RoundingPolicy.Truncate, "§19");

    public override LateInterestPolicy LateInterest { get; } =
        new(AnnualRate: 0.06m, CountsPaymentDay: false, WaiverDays: 0, RoundingRule.ByClause(RoundingPolicy.Up, "§19"), "§17");

    protected override string PaymentClause => EclectAwsTerms.PaymentClause;

    // §16-1 「利用月の翌月末日までに…請求する」 is a deadline for invoicing (a milestone of the plan), not the
    // invoice's date: the invoice is dated the day it is issued (ProductBilling.Dates). §16-2 「利用月の翌々月末日
    // までに」 counts the due date from the usage month, whatever day the invoice was issued.

    protected override IEnumerable<InvoiceLine> Lines(BillingInput input)
    {
        var (usage, usageText) = UsageInYen(input);
        yield return InvoiceAssembler.Line("aws-usage", usageText, usage, "§13-1(1), §15");

        var firstMonth = input.Month == input.Start.ToYearMonth();
        var support = firstMonth ? 0 : Round(Support.Price(usage).Amount);
        yield return InvoiceAssembler.Line("aws-support",
            firstMonth
                ? new Text("AWSサポート料（初月無料）", "AWS support (first month free)")
                : new Text($"AWSサポート料（AWS利用料の10%：{usage:N0}円 × 10%）", $"AWS support (10% of AWS usage: ¥{usage:N0} × 10%)"),
            support, "§13-1(2)");

        var agency = Round(AgencyFee.Price(measured: usage, chargeable: usage + support).Amount);
        var agencyText = usage switch
        {
            0 => new Text("AWS請求代行 月額利用料（AWS利用なし）", "billing agency fee (no AWS usage)"),
            < 30_000 => new Text("AWS請求代行 月額利用料（AWS利用料30,000円未満のため定額）", "billing agency fee (flat: AWS usage below ¥30,000)"),
            _ => new Text($"AWS請求代行 月額利用料（({usage:N0}円 + {support:N0}円) × 10%）", $"billing agency fee ((¥{usage:N0} + ¥{support:N0}) × 10%)"),
        };
        yield return InvoiceAssembler.Line("billing-agency", agencyText, agency, "§13-1(3), §13-2");
    }

    private (long Yen, Text Description) UsageInYen(BillingInput input)
    {
        if (input.AwsUsageJpy is { } jpy)
        {
            var yen = Round(NonNegative(jpy, "awsUsageJpy", "§13-1(1)"));
            return (yen, new Text("AWS利用料", "AWS usage"));
        }

        var usd = NonNegative(Required(input.AwsUsageUsd, "awsUsageUsd", "§13-1(1)"), "awsUsageUsd", "§13-1(1)");
        var rate = Required(input.FxRate, "fxRate", "§15");
        if (rate <= 0)
        {
            throw new ContractRuleException("fxRate", $"{rate} is not an exchange rate", "§15");
        }

        return (Round(usd * rate), new Text(
            $"AWS利用料（USD {usd:N2} × {rate}円）",
            $"AWS usage (USD {usd:N2} × ¥{rate})"));
    }
}
