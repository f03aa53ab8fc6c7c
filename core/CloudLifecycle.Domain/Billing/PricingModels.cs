using System.Globalization;
using CloudLifecycle.Core.Contracts;

namespace CloudLifecycle.Core.Billing;

/// <summary>
/// A pricing model: what a quantity costs (in yen, unrounded) and how, as the invoice line prints
/// it. The quantity is whatever the model charges for — components, units, or the yen amount a
/// percentage applies to. A product's billing rules hold models as data and ask them for prices;
/// no product walks tiers or multiplies prices itself.
/// </summary>
public interface IPricingModel
{
    PricedAmount Price(decimal quantity);
}

/// <summary>
/// A model's answer: the unrounded amount, the computation an invoice line shows ("22 × 21,000",
/// "5 × 30,000 + 15 × 25,000 + 2 × 21,000", "¥33,000 × 10%"), and the single unit price when one
/// price applies to the whole quantity (the invoice's unit-price column), otherwise null.
/// </summary>
public sealed record PricedAmount(decimal Amount, string Computation, decimal? UnitPrice)
{
    /// <summary>Quantity × unit price per step, summed: "5 × 9,000 + 1 × 8,200".</summary>
    public static PricedAmount OfSteps(IReadOnlyList<(decimal Quantity, decimal UnitPrice)> steps)
    {
        var charged = steps.Where(step => step.Quantity > 0).ToList();
        var computation = charged.Count == 0
            ? "0"
            : string.Join(" + ", charged.Select(step => $"{Number(step.Quantity)} × {Number(step.UnitPrice)}"));
        var unitPrice = charged.Count == 1 ? charged[0].UnitPrice : (decimal?)null;
        return new PricedAmount(charged.Sum(step => step.Quantity * step.UnitPrice), computation, unitPrice);
    }

    /// <summary>"22", "1,234", "0.5": whole numbers with thousands separators, fractions as given.</summary>
    public static string Number(decimal value) =>
        value == decimal.Truncate(value)
            ? value.ToString("N0", CultureInfo.InvariantCulture)
            : value.ToString("#,0.####", CultureInfo.InvariantCulture);
}

/// <summary>The same amount whatever the quantity (a plan's monthly base fee).</summary>
public sealed record FlatFee(decimal Amount) : IPricingModel
{
    public PricedAmount Price(decimal quantity) => new(Amount, PricedAmount.Number(Amount), null);
}

/// <summary>Quantity × unit price (NEC's metered fee, NTT's per-component plans, one-off setup items, OPTAGE options).</summary>
public sealed record PerUnit(decimal UnitPrice) : IPricingModel
{
    public PricedAmount Price(decimal quantity) => PricedAmount.OfSteps([(quantity, UnitPrice)]);
}

/// <summary>A band of a tiered price: units up to and including <see cref="UpTo"/> (null: no limit).</summary>
public sealed record Tier(decimal? UpTo, decimal UnitPrice);

/// <summary>
/// How a tiered price list charges a quantity. The value is contract data (<c>componentPricing</c>
/// in the registration body and the CLI's contract file); <see cref="TieredPricing.For"/> turns it
/// into the model, as lago's charge-model factory does.
/// </summary>
public enum ComponentPricing
{
    /// <summary>
    /// Every unit at the price of the band the whole quantity falls in: OPTAGE 別表2 read literally,
    /// 「1コンポーネントあたりの月額料金にコンポーネント数を掛け合わせた料金」 (the default).
    /// </summary>
    Volume = 0,

    /// <summary>Each band's units at that band's price (the first five at the 1–5 price, the next at the 6–20 price…).</summary>
    Graduated = 1,
}

/// <summary>Chooses a tiered model from data.</summary>
public static class TieredPricing
{
    public static IPricingModel For(ComponentPricing pricing, IReadOnlyList<Tier> tiers) => pricing switch
    {
        ComponentPricing.Volume => new VolumeTiers(tiers),
        ComponentPricing.Graduated => new GraduatedTiers(tiers),
        _ => throw new ArgumentOutOfRangeException(nameof(pricing), pricing, "not a component pricing"),
    };

    /// <summary>The setting's name as contracts and the CLI spell it: "volume", "graduated".</summary>
    public static string Name(ComponentPricing pricing) => pricing switch
    {
        ComponentPricing.Volume => "volume",
        ComponentPricing.Graduated => "graduated",
        _ => throw new ArgumentOutOfRangeException(nameof(pricing), pricing, "not a component pricing"),
    };

    /// <summary>Reads "volume" or "graduated"; anything else is refused naming the field and 別表2.</summary>
    public static ComponentPricing Parse(string field, string text) =>
        Enum.GetValues<ComponentPricing>().Where(p => Name(p) == text).Select(p => (ComponentPricing?)p).FirstOrDefault()
        ?? throw new ContractRuleException(field, $"'{text}' is not a component pricing; expected volume or graduated", "別表2");
}

/// <summary>
/// Graduated tiers: each band's units at that band's price. OPTAGE Standard with 22 components:
/// 5 × 9,000 + 15 × 8,200 + 2 × 7,400 = 182,800.
/// </summary>
public sealed record GraduatedTiers(IReadOnlyList<Tier> Tiers) : IPricingModel
{
    public PricedAmount Price(decimal quantity)
    {
        var steps = new List<(decimal, decimal)>();
        decimal lower = 0;
        foreach (var tier in Tiers)
        {
            var upper = tier.UpTo ?? decimal.MaxValue;
            steps.Add((Math.Max(0, Math.Min(quantity, upper) - lower), tier.UnitPrice));
            if (quantity <= upper)
            {
                break;
            }

            lower = upper;
        }

        return PricedAmount.OfSteps(steps);
    }
}

/// <summary>
/// Volume tiers: every unit at the price of the band the whole quantity falls in. OPTAGE Standard
/// with 22 components: 22 × 7,400 = 162,800.
/// </summary>
public sealed record VolumeTiers(IReadOnlyList<Tier> Tiers) : IPricingModel
{
    public PricedAmount Price(decimal quantity) =>
        PricedAmount.OfSteps([(quantity, Tiers.First(t => t.UpTo is null || quantity <= t.UpTo).UnitPrice)]);
}

/// <summary>A percentage of another amount (eclect-aws: support 10% of usage, §13-1(2)).</summary>
public sealed record PercentageOf(decimal Rate) : IPricingModel
{
    public PricedAmount Price(decimal quantity) =>
        new(quantity * Rate, $"{PricedAmount.Number(quantity)} × {PricedAmount.Number(Rate * 100)}%", null);
}

/// <summary>
/// A flat fee when the measured amount is positive but below a threshold, otherwise another model
/// applied to the chargeable amount; nothing when nothing was measured. eclect-aws's agency fee
/// measures AWS usage against ¥30,000 and otherwise charges 10% of usage + support (§13-1(3), §13-2).
/// </summary>
public sealed record FlatBelowThreshold(decimal Threshold, decimal FlatAmount, IPricingModel Otherwise) : IPricingModel
{
    public PricedAmount Price(decimal quantity) => Price(quantity, quantity);

    public PricedAmount Price(decimal measured, decimal chargeable) => measured switch
    {
        <= 0 => new FlatFee(0).Price(measured),
        _ when measured < Threshold => new FlatFee(FlatAmount).Price(measured),
        _ => Otherwise.Price(chargeable),
    };
}
