namespace CloudLifecycle.Core.Contracts;

/// <summary>The five contracts the product carries (terms.md), by their stable codes.</summary>
public sealed record ProductCode
{
    // The services as the originals title them (seeds/000..004): 「AWS 請求代行サービス アドバンスド リセールアグリーメント」,
    // 「Express5800 従量課金サービス サービス約款」, 「「クラウド導入・運用サービス」(Amazon Web Services版) 利用規約」,
    // 「Neutrix Cloud 契約約款」, 「オプテージ コネクティビティ クラウド・ストレージ利用規約」.
    public static readonly ProductCode EclectAws = new("eclect-aws", new Text("AWS 請求代行サービス アドバンスド", "AWS Billing Agency Service Advanced"));
    public static readonly ProductCode NecExpress5800 = new("nec-express5800", new Text("Express5800 従量課金サービス", "Express5800 Pay-per-use Service"));
    public static readonly ProductCode NttEastAwsOps = new("ntt-east-aws-ops", new Text("クラウド導入・運用サービス", "Cloud Deployment and Operations Service"));
    public static readonly ProductCode OptageNeutrix = new("optage-neutrix", new Text("Neutrix Cloud", "Neutrix Cloud"));
    public static readonly ProductCode OptageStorage = new("optage-storage", new Text("クラウド・ストレージ", "Cloud Storage"));

    public static IReadOnlyList<ProductCode> All { get; } =
        [EclectAws, NecExpress5800, NttEastAwsOps, OptageNeutrix, OptageStorage];

    private ProductCode(string code, Text serviceName)
    {
        Code = code;
        ServiceName = serviceName;
    }

    public string Code { get; }

    /// <summary>The service's name as the customer knows it (what a notice's subject names), in Japanese and English.</summary>
    public Text ServiceName { get; }

    /// <summary>Parses a product code; an unknown one is refused naming the field and the known codes.</summary>
    public static ProductCode Parse(string? code, string field = "product") =>
        All.FirstOrDefault(p => string.Equals(p.Code, code?.Trim(), StringComparison.Ordinal))
        ?? throw new ContractRuleException(field,
            $"unknown product '{code}'; expected one of {string.Join(", ", All.Select(p => p.Code))}");

    public override string ToString() => Code;
}
