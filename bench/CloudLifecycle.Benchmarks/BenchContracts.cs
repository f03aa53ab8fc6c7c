using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Benchmarks;

/// <summary>
/// One contract of each product as the monthly run meets it: registered months ago, its timers handled up to the run
/// date, the month's usage recorded and every earlier month invoiced (the shape of <c>bench-month</c>'s contracts).
/// </summary>
public static class BenchContracts
{
    public static readonly YearMonth Month = new(2026, 10);

    public static readonly LocalDate RunDate = new(2026, 11, 2);

    public static readonly LocalDate Start = new(2026, 4, 1);

    public static readonly Issuer Issuer = new("ベンチ請求事業者株式会社", "T0000000000000");

    public static ContractState For(ProductCode product)
    {
        var customer = new Customer("ベンチ顧客株式会社", "customer@bench.example");
        var registration = product switch
        {
            _ when product == ProductCode.EclectAws => new ContractRegistration("B-ECL", product, customer, new ContractDates(Start), Issuer),
            _ when product == ProductCode.NecExpress5800 => new ContractRegistration("B-NEC", product, customer, new ContractDates(Start, new LocalDate(2029, 3, 31)), Issuer, new BillingProfile { BaseFee = 100_000m, UnitPrice = 2_500m }),
            _ when product == ProductCode.NttEastAwsOps => new ContractRegistration("B-NTT", product, customer, new ContractDates(Start), Issuer, new BillingProfile { Plan = new PlanSelection("standard", 5) }),
            _ when product == ProductCode.OptageNeutrix => new ContractRegistration("B-NTX", product, customer, new ContractDates(Start), Issuer, new BillingProfile { Plan = new PlanSelection("advanced", 22) }),
            _ => new ContractRegistration("B-STO", product, customer, new ContractDates(Start), Issuer, new BillingProfile { Plan = new PlanSelection("entry", 8) }),
        };
        MonthUsage? usage = product == ProductCode.EclectAws ? new MonthUsage(Month, AwsUsageUsd: 512m, FxRate: 150m)
            : product == ProductCode.NecExpress5800 ? new MonthUsage(Month, Quantity: 37)
            : product == ProductCode.OptageNeutrix ? new MonthUsage(Month, ResourceFee: 55_000m)
            : null;
        return registration.ToState() with
        {
            RegisteredOn = Start,
            ProcessedThrough = RunDate,
            Usage = usage is null ? [] : [usage],
            InvoicedMonths = [.. Start.ToYearMonth().MonthsThrough(Month.PlusMonths(-1))],
        };
    }

    /// <summary>A notice and a requested end each product's cancellation rule accepts (checked with <c>quote cancellation</c>).</summary>
    public static (ContractDates Dates, LocalDate Notice, LocalDate Requested) Cancellation(ProductCode product)
    {
        var notice = new LocalDate(2026, 6, 10);
        return product == ProductCode.EclectAws ? (new ContractDates(Start), notice, new LocalDate(2026, 7, 20))
            : product == ProductCode.NecExpress5800 ? (new ContractDates(Start, new LocalDate(2029, 3, 31)), notice, new LocalDate(2026, 10, 15))
            : product == ProductCode.NttEastAwsOps ? (new ContractDates(Start), notice, new LocalDate(2026, 7, 31))
            : (new ContractDates(Start), notice, new LocalDate(2027, 8, 31));
    }
}
