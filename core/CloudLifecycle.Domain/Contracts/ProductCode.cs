namespace CloudLifecycle.Core.Contracts;

/// <summary>The five contracts the product carries (terms.md), by their stable codes.</summary>
public sealed record ProductCode
{
    public static readonly ProductCode EclectAws = new("eclect-aws");
    public static readonly ProductCode NecExpress5800 = new("nec-express5800");
    public static readonly ProductCode NttEastAwsOps = new("ntt-east-aws-ops");
    public static readonly ProductCode OptageNeutrix = new("optage-neutrix");
    public static readonly ProductCode OptageStorage = new("optage-storage");

    public static IReadOnlyList<ProductCode> All { get; } =
        [EclectAws, NecExpress5800, NttEastAwsOps, OptageNeutrix, OptageStorage];

    private ProductCode(string code) => Code = code;

    public string Code { get; }

    /// <summary>Parses a product code; an unknown one is refused naming the field and the known codes.</summary>
    public static ProductCode Parse(string? code, string field = "product") =>
        All.FirstOrDefault(p => string.Equals(p.Code, code?.Trim(), StringComparison.Ordinal))
        ?? throw new ContractRuleException(field,
            $"unknown product '{code}'; expected one of {string.Join(", ", All.Select(p => p.Code))}");

    public override string ToString() => Code;
}
