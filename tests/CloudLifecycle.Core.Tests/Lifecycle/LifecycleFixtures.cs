using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Lifecycle;

/// <summary>Registered contracts the lifecycle tests start from.</summary>
internal static class LifecycleFixtures
{
    public static readonly Issuer Issuer = new("テスト請求株式会社", "T1234567890123");

    public static readonly Customer Customer = new("顧客株式会社", "customer@example.com");

    public static ContractRegistration Eclect(string id = "C-ECL", string start = "2026-04-01") =>
        new(id, ProductCode.EclectAws, Customer, new ContractDates(D(start)), Issuer);

    public static ContractRegistration Nec(string id = "C-NEC", string start = "2026-04-01", string end = "2028-03-31") =>
        new(id, ProductCode.NecExpress5800, Customer with { Language = Language.En }, new ContractDates(D(start), D(end)), Issuer, new BillingProfile { BaseFee = 120_000m, UnitPrice = 3_000m });

    public static ContractRegistration Ntt(string id = "C-NTT", string start = "2026-04-10") =>
        new(id, ProductCode.NttEastAwsOps, Customer, new ContractDates(D(start)), Issuer, new BillingProfile { Plan = new PlanSelection("standard", 4) });

    public static ContractRegistration Neutrix(string id = "C-NTX", string start = "2026-04-01") =>
        new(id, ProductCode.OptageNeutrix, Customer, new ContractDates(D(start)), Issuer, new BillingProfile { Plan = new PlanSelection("premium", 22, Windows: true) });

    public static ContractRegistration Storage(string id = "C-STO", string start = "2026-05-01") =>
        new(id, ProductCode.OptageStorage, Customer, new ContractDates(D(start)), Issuer, new BillingProfile { Plan = new PlanSelection("standard", 6) });

    /// <summary>Registers on <paramref name="today"/> and returns the state the decider leaves.</summary>
    public static ContractState Registered(ContractRegistration registration, string today) =>
        LifecycleDecider.Decide(registration.ToState(), new Registered(), D(today)).State;
}
