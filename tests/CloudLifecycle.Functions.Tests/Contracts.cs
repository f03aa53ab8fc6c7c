using System.Text.Json;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace CloudLifecycle.Functions.Tests;

/// <summary>Contracts and requests the tests use, dated from today (Durable timers run on real time).</summary>
internal static class Contracts
{
    public static readonly Customer Customer = new("顧客株式会社", "customer@example.com");

    public static ContractRegistration Eclect(string id, LocalDate start) =>
        new(id, ProductCode.EclectAws, Customer, new ContractDates(start), FunctionsAppHost.Issuer);

    /// <summary>ntt-east-aws-ops, standard plan: charged from the month after operations start (§35-1), no usage figures needed.</summary>
    public static ContractRegistration Ntt(string id, LocalDate start) =>
        new(id, ProductCode.NttEastAwsOps, Customer, new ContractDates(start), FunctionsAppHost.Issuer, new BillingProfile { Plan = new PlanSelection("standard", 4) });

    public static string Registration(string id, LocalDate start) =>
        $$$"""{"contractId":"{{{id}}}","product":"eclect-aws","startDate":"{{{Iso(start)}}}","customer":{"name":"株式会社サンプル","email":"ops@example.jp","language":"ja"}}""";

    /// <summary>
    /// eclect-aws §27-1: a cancellation takes effect on a 20th, with notice by the 15th of the month before;
    /// notice today for the 20th two months on is always in time.
    /// </summary>
    public static (LocalDate Notice, LocalDate Requested) TimelyCancellation(LocalDate today) =>
        (today, new LocalDate(today.Year, today.Month, 20).PlusMonths(2));

    public static string Cancellation(LocalDate today)
    {
        var (notice, requested) = TimelyCancellation(today);
        return $$"""{"noticeDate":"{{Iso(notice)}}","requestedDate":"{{Iso(requested)}}"}""";
    }

    public static string Iso(LocalDate date) => LifecycleJson.Iso(date);

    public static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement.Clone();

    public static RoundInput RoundInputOf(Microsoft.DurableTask.Client.OrchestrationMetadata instance) =>
        WorkflowJson.Unwrap<RoundInput>(instance.ReadInputAs<string>()!);
}
