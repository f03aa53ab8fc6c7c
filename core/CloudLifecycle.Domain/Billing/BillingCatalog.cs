using System.Collections.Frozen;
using CloudLifecycle.Core.Contracts;

namespace CloudLifecycle.Core.Billing;

/// <summary>Chooses a product's billing rules once, from its code.</summary>
public static class BillingCatalog
{
    private static readonly FrozenDictionary<ProductCode, ProductBilling> ByCode = new Dictionary<ProductCode, ProductBilling>
    {
        [ProductCode.EclectAws] = new EclectAwsBilling(),
        [ProductCode.NecExpress5800] = new NecExpress5800Billing(),
        [ProductCode.NttEastAwsOps] = new NttEastAwsOpsBilling(),
        [ProductCode.OptageNeutrix] = OptageBilling.Neutrix,
        [ProductCode.OptageStorage] = OptageBilling.Storage,
    }.ToFrozenDictionary();

    public static ProductBilling For(ProductCode product) => ByCode[product];
}
