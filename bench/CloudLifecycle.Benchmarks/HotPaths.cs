using BenchmarkDotNet.Attributes;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Billing.Rendering;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Core.Terms;
using NodaTime;

namespace CloudLifecycle.Benchmarks;

/// <summary>
/// The work the monthly run does per contract, one product at a time, each against the baseline of serialising the
/// contract's state once (what every store write costs at least). Ratios compare within one product and one run.
/// </summary>
[MemoryDiagnoser]
public class HotPaths
{
    private ContractState state = null!;
    private ContractTerms terms = null!;
    private ProductBilling billing = null!;
    private BillingInput input = null!;
    private Invoice invoice = null!;
    private (ContractDates Dates, LocalDate Notice, LocalDate Requested) cancellation;
    private string stateJson = string.Empty;

    [ParamsSource(nameof(Products))]
    public string Product { get; set; } = ProductCode.EclectAws.ToString();

    public static IEnumerable<string> Products => [
        ProductCode.EclectAws.ToString(), ProductCode.NecExpress5800.ToString(), ProductCode.NttEastAwsOps.ToString(),
        ProductCode.OptageNeutrix.ToString(), ProductCode.OptageStorage.ToString()];

    [GlobalSetup]
    public void Setup()
    {
        var product = ProductCode.Parse(Product);
        state = BenchContracts.For(product);
        terms = ProductCatalog.For(product);
        billing = BillingCatalog.For(product);
        input = BillingInputs.For(state, BenchContracts.Month);
        invoice = billing.Invoice(input);
        cancellation = BenchContracts.Cancellation(product);
        stateJson = LifecycleJson.Serialize(state);
    }

    [Benchmark(Baseline = true, Description = "serialise the state (baseline)")]
    public string SerialiseState() => LifecycleJson.Serialize(state);

    [Benchmark(Description = "read the state back")]
    public ContractState DeserialiseState() => LifecycleJson.Deserialize<ContractState>(stateJson);

    [Benchmark(Description = "plan (two years)")]
    public LifecyclePlan Plan() => terms.Plan(state.PlanningDates);

    [Benchmark(Description = "cancellation quote")]
    public CancellationQuote QuoteCancellation() => terms.QuoteCancellation(cancellation.Dates, cancellation.Notice, cancellation.Requested);

    [Benchmark(Description = "invoice of the month")]
    public Invoice InvoiceOfMonth() => billing.Invoice(input);

    [Benchmark(Description = "decider round: invoice the month")]
    public Decision DeciderRound() => LifecycleDecider.Decide(state, new InvoiceMonth(BenchContracts.Month), BenchContracts.RunDate);

    [Benchmark(Description = "invoice HTML")]
    public string InvoiceHtmlDocument() => InvoiceHtml.Render(invoice, Language.Ja);

    [Benchmark(Description = "invoice JSON")]
    public string InvoiceJsonDocument() => LifecycleJson.Serialize(invoice);
}
