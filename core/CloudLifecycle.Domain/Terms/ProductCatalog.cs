using System.Collections.Frozen;
using CloudLifecycle.Core.Contracts;

namespace CloudLifecycle.Core.Terms;

/// <summary>Chooses a product's terms once, from its code.</summary>
public static class ProductCatalog
{
    private static readonly FrozenDictionary<ProductCode, ContractTerms> ByCode = new Dictionary<ProductCode, ContractTerms>
    {
        [ProductCode.EclectAws] = new EclectAwsTerms(),
        [ProductCode.NecExpress5800] = new NecExpress5800Terms(),
        [ProductCode.NttEastAwsOps] = new NttEastAwsOpsTerms(),
        [ProductCode.OptageNeutrix] = OptageTerms.Neutrix,
        [ProductCode.OptageStorage] = OptageTerms.Storage,
    }.ToFrozenDictionary();

    public static ContractTerms For(ProductCode product) => ByCode[product];

    public static ContractTerms For(string productCode) => For(ProductCode.Parse(productCode));
}
