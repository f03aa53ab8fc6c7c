namespace CloudLifecycle.Core.Billing;

/// <summary>
/// How a fraction of a yen becomes whole yen. A product names its policy per step (fees, tax), as
/// its clause says — or, where no clause says, as our policy — and it is applied once at that
/// step. Amounts are rounded by magnitude, so a credit of −¥12.7 truncates to −¥12 just as a
/// charge of ¥12.7 truncates to ¥12.
/// </summary>
public sealed record RoundingPolicy(string Name, Func<decimal, decimal> OfMagnitude)
{
    /// <summary>切り上げ: any fraction becomes a whole yen (eclect-aws fees, §19).</summary>
    public static readonly RoundingPolicy Up = new("up", decimal.Ceiling);

    /// <summary>切り捨て: the fraction is dropped.</summary>
    public static readonly RoundingPolicy Truncate = new("truncate", decimal.Floor);

    public long Apply(decimal amount)
    {
        var rounded = OfMagnitude(Math.Abs(amount));
        return checked((long)(amount < 0 ? -rounded : rounded));
    }

    public override string ToString() => Name;
}

/// <summary>Where a rounding rule comes from: a clause that names it, or our policy where no clause does.</summary>
public abstract record RoundingSource
{
    private RoundingSource()
    {
    }

    /// <summary>What an invoice prints as the rule's basis: the clause, or "policy: truncate".</summary>
    public abstract string Cite(RoundingPolicy policy);

    /// <summary>A clause of the terms names the rounding (eclect-aws §19, NTT §21, OPTAGE 別表3-2 for tax).</summary>
    public sealed record Clause(string Reference) : RoundingSource
    {
        public override string Cite(RoundingPolicy policy) => Reference;
    }

    /// <summary>
    /// No clause names it: we choose, and say so instead of citing a clause that does not. Our
    /// policy is to truncate, in the customer's favour — the reading against the drafter
    /// (作成者不利の原則) that the terms' silence calls for.
    /// </summary>
    public sealed record Policy : RoundingSource
    {
        public override string Cite(RoundingPolicy policy) => $"policy: {policy.Name}";
    }
}

/// <summary>A rounding policy and its source, applied at one step (fees, tax or late interest).</summary>
public sealed record RoundingRule(RoundingPolicy Policy, RoundingSource Source)
{
    /// <summary>The rule a clause names.</summary>
    public static RoundingRule ByClause(RoundingPolicy policy, string clause) => new(policy, new RoundingSource.Clause(clause));

    /// <summary>Our policy where no clause names a rule: truncate (in the customer's favour).</summary>
    public static RoundingRule OurPolicy { get; } = new(RoundingPolicy.Truncate, new RoundingSource.Policy());

    public bool IsOurPolicy => Source is RoundingSource.Policy;

    /// <summary>"§19", or "policy: truncate" where no clause names the rule.</summary>
    public string Cite() => Source.Cite(Policy);

    public long Apply(decimal amount) => Policy.Apply(amount);
}
