using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using NodaTime;
using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Billing;

/// <summary>Billing inputs the tests start from; each test changes only what it is about.</summary>
internal static class BillingFixtures
{
    public static readonly Issuer Issuer = new("テスト請求株式会社", "T1234567890123");

    public static BillingInput Eclect(string month = "2026-10", decimal? usd = 1234.56m, decimal? fx = 151.37m) => new()
    {
        Product = ProductCode.EclectAws, ContractId = "C-ECL", Start = D("2026-03-25"), Month = YM(month),
        Issuer = Issuer, Recipient = "顧客株式会社", AwsUsageUsd = usd, FxRate = fx,
    };

    public static BillingInput Nec(string month = "2026-10") => new()
    {
        Product = ProductCode.NecExpress5800, ContractId = "C-NEC", Start = D("2026-04-01"), End = D("2031-03-31"), Month = YM(month),
        Issuer = Issuer, Recipient = "顧客株式会社", BaseFee = 120_000m, UnitPrice = 180m, Quantity = 350m,
    };

    public static BillingInput Ntt(string month = "2026-11") => new()
    {
        Product = ProductCode.NttEastAwsOps, ContractId = "C-NTT", Start = D("2026-10-15"), Month = YM(month),
        Issuer = Issuer, Recipient = "顧客株式会社", Plan = "standard", Components = 4,
    };

    public static BillingInput Optage(ProductCode? product = null, string month = "2026-10", string plan = "standard", int components = 22) => new()
    {
        Product = product ?? ProductCode.OptageNeutrix, ContractId = "C-OPT", Start = D("2026-04-01"), Month = YM(month),
        Issuer = Issuer, Recipient = "顧客株式会社", Plan = plan, Components = components,
    };

    public static Invoice Bill(BillingInput input) => BillingCatalog.For(input.Product).Invoice(input);

    public static long Amount(Invoice invoice, string code) => invoice.Lines.Single(l => l.Code == code).Amount;

    public static YearMonth Month(string iso) => YM(iso);
}
