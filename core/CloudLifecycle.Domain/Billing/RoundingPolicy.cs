namespace CloudLifecycle.Core.Billing;

/// <summary>
/// How a fraction of a yen becomes whole yen. A product names its policy per step (fees, tax),
/// as its clause says, and it is applied once at that step. Amounts are rounded by magnitude, so a
/// credit of −¥12.7 truncates to −¥12 just as a charge of ¥12.7 truncates to ¥12.
/// </summary>
public sealed record RoundingPolicy(string Name, Func<decimal, decimal> OfMagnitude)
{
    /// <summary>切り上げ: any fraction becomes a whole yen (eclect-aws fees, §19).</summary>
    public static readonly RoundingPolicy Up = new("up", decimal.Ceiling);

    /// <summary>切り捨て: the fraction is dropped (tax everywhere; NTT's every charge, §21).</summary>
    public static readonly RoundingPolicy Truncate = new("truncate", decimal.Floor);

    public long Apply(decimal amount)
    {
        var rounded = OfMagnitude(Math.Abs(amount));
        return checked((long)(amount < 0 ? -rounded : rounded));
    }

    public override string ToString() => Name;
}
