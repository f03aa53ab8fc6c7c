namespace CloudLifecycle.Core.Billing;

/// <summary>
/// A pricing model: the price (in yen, unrounded) of a quantity. The quantity is whatever the
/// model charges for — components, units, or the yen amount a percentage applies to.
/// </summary>
public interface IPricingModel
{
    decimal Price(decimal quantity);
}

/// <summary>The same amount whatever the quantity (a plan's monthly base fee).</summary>
public sealed record FlatFee(decimal Amount) : IPricingModel
{
    public decimal Price(decimal quantity) => Amount;
}

/// <summary>Quantity × unit price (NEC's metered fee, NTT's per-component plans, one-off setup items).</summary>
public sealed record PerUnit(decimal UnitPrice) : IPricingModel
{
    public decimal Price(decimal quantity) => quantity * UnitPrice;
}

/// <summary>A band of a tiered price: units up to and including <see cref="UpTo"/> (null: no limit).</summary>
public sealed record Tier(decimal? UpTo, decimal UnitPrice);

/// <summary>
/// Graduated tiers: each band's units at that band's price. OPTAGE Standard with 22 components:
/// 5 × 9,000 + 15 × 8,200 + 2 × 7,400 = 182,800.
/// </summary>
public sealed record GraduatedTiers(IReadOnlyList<Tier> Tiers) : IPricingModel
{
    public decimal Price(decimal quantity)
    {
        decimal total = 0, lower = 0;
        foreach (var tier in Tiers)
        {
            var upper = tier.UpTo ?? decimal.MaxValue;
            var inBand = Math.Max(0, Math.Min(quantity, upper) - lower);
            total += inBand * tier.UnitPrice;
            if (quantity <= upper)
            {
                break;
            }

            lower = upper;
        }

        return total;
    }
}

/// <summary>Volume tiers: every unit at the price of the band the whole quantity falls in (22 at the 21+ price).</summary>
public sealed record VolumeTiers(IReadOnlyList<Tier> Tiers) : IPricingModel
{
    public decimal Price(decimal quantity) =>
        quantity * Tiers.First(t => t.UpTo is null || quantity <= t.UpTo).UnitPrice;
}

/// <summary>A percentage of another amount (eclect-aws: support 10% of usage, §13-1(2)).</summary>
public sealed record PercentageOf(decimal Rate) : IPricingModel
{
    public decimal Price(decimal quantity) => quantity * Rate;
}

/// <summary>
/// A flat fee when the measured amount is positive but below a threshold, otherwise another model
/// applied to the chargeable amount; nothing when nothing was measured. eclect-aws's agency fee
/// measures AWS usage against ¥30,000 and otherwise charges 10% of usage + support (§13-1(3), §13-2).
/// </summary>
public sealed record FlatBelowThreshold(decimal Threshold, decimal FlatAmount, IPricingModel Otherwise) : IPricingModel
{
    public decimal Price(decimal quantity) => Price(quantity, quantity);

    public decimal Price(decimal measured, decimal chargeable) => measured switch
    {
        <= 0 => 0,
        _ when measured < Threshold => FlatAmount,
        _ => Otherwise.Price(chargeable),
    };
}
