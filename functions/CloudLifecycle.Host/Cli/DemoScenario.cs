using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// The embedded demo: one sample contract per product, two years of usage, plan changes,
/// cancellations, an NEC extension (requested, then approved by NEC with a new base fee, §2-3),
/// equipment removal, one late payment (its interest invoiced) and one suspension for non-payment
/// lifted by the payment; and two contracts the provider ends: an Eclect discontinuation (§30-2) and
/// an OPTAGE termination that pays the customer three months' fees (§29-3).
/// </summary>
internal static class DemoScenario
{
    public static readonly LocalDate From = new(2026, 4, 1);
    public static readonly LocalDate Through = new(2028, 3, 31);

    /// <summary>The NEC usage period as registered; its §2-3 extension deadline is 2026-11-30.</summary>
    private static readonly LocalDate NecUsageEnd = new(2027, 12, 31);

    /// <summary>
    /// §2-3 「両社にて調整のうえ」: the customer asks on 2026-11-10 to extend to 2028-03-31; NEC approves on
    /// 2026-12-15 an extension to 2028-02-29 at a base fee of ¥130,000 from 2028-01-01 (the day after the old end).
    /// </summary>
    private static readonly LocalDate NecExtendedEnd = new(2028, 2, 29);
    private static readonly LocalDate EclectEnd = new(2028, 1, 20);

    /// <summary>The invoice the demo customer pays late, to show the overdue notice and late interest.</summary>
    public const string LatePaidInvoice = "INV-DEMO-NTX-202609";

    /// <summary>The demo's contracts, in the order the timeline lists them.</summary>
    public static readonly IReadOnlyList<string> ContractIds = ["DEMO-ECL", "DEMO-NEC", "DEMO-NTT", "DEMO-NTX", "DEMO-STO", "DEMO-ECL-D", "DEMO-STO-T"];

    private static readonly LocalDate DiscontinuationNotice = new(2027, 3, 2);
    private static readonly LocalDate DiscontinuedOn = new(2027, 3, 31);
    private static readonly LocalDate ProviderTerminatedOn = new(2026, 12, 31);

    /// <summary>
    /// The invoice DEMO-NTT leaves unpaid (January 2027, due 2027-02-28, a Sunday, so 03-01 by 民法 §142): NTT
    /// announces a suspension for non-payment on 03-05 from 03-12 (§34-1(1), §34-2); the customer pays on
    /// 03-19, the service resumes, and the late interest past §19's 15 days is invoiced.
    /// </summary>
    public const string SuspendedForInvoice = "INV-DEMO-NTT-202701";
    private static readonly LocalDate SuspensionNotice = new(2027, 3, 5);
    private static readonly LocalDate SuspendedFrom = new(2027, 3, 12);
    private static readonly LocalDate SuspensionPaidOn = new(2027, 3, 19);

    public static IReadOnlyList<ScriptedStep> Script(LifecycleStores stores, Issuer issuer)
    {
        var steps = new List<ScriptedStep>
        {
            Register(From, new ContractRegistration("DEMO-ECL", ProductCode.EclectAws, new Customer("株式会社サンプル商事", "it@sample-shoji.example", Language.Ja),
                new ContractDates(From), issuer)),
            Register(From, new ContractRegistration("DEMO-NEC", ProductCode.NecExpress5800, new Customer("Example Manufacturing K.K.", "infra@example-mfg.example", Language.En),
                new ContractDates(From, NecUsageEnd), issuer, new BillingProfile { BaseFee = 120_000m, UnitPrice = 3_000m })),
            Register(new LocalDate(2026, 4, 10), new ContractRegistration("DEMO-NTT", ProductCode.NttEastAwsOps, new Customer("東日本データ株式会社", "ops@east-data.example", Language.Ja),
                new ContractDates(new LocalDate(2026, 4, 10)), issuer,
                new BillingProfile { Plan = new PlanSelection("standard", 4), SetupItems = [new SetupItem("cloud-base-setup", 1)], QualifiedInvoice = true })),
            Register(From, new ContractRegistration("DEMO-NTX", ProductCode.OptageNeutrix, new Customer("関西クラウド株式会社", "cloud@kansai-cloud.example", Language.Ja),
                new ContractDates(From), issuer, new BillingProfile { Plan = new PlanSelection("premium", 22, Windows: true) })),
            Register(new LocalDate(2026, 5, 1), new ContractRegistration("DEMO-STO", ProductCode.OptageStorage, new Customer("Osaka Storage Ltd.", "admin@osaka-storage.example", Language.En),
                new ContractDates(new LocalDate(2026, 5, 1)), issuer, new BillingProfile { Plan = new PlanSelection("standard", 6) })),
            Event(new LocalDate(2026, 10, 1), "DEMO-NTT", new PlanChanged(new LocalDate(2026, 10, 1), "advanced", 4)),
            Event(new LocalDate(2026, 11, 10), "DEMO-NEC", new ExtensionRequested(new LocalDate(2026, 11, 10), new LocalDate(2028, 3, 31))),
            Event(new LocalDate(2026, 12, 15), "DEMO-NEC", new ExtensionDecided(new LocalDate(2026, 12, 15), Approved: true, NecExtendedEnd, NewBaseFee: 130_000m)),
            Event(new LocalDate(2026, 12, 1), "DEMO-STO", new CancellationRequested(new LocalDate(2026, 12, 1), new LocalDate(2027, 2, 28))),
            Event(SuspensionNotice, "DEMO-NTT", new ProviderNoticeGiven("nonpayment-suspension", SuspensionNotice, SuspendedFrom)),
            Event(new LocalDate(2027, 6, 12), "DEMO-NTX", new OutageReported(new OutageRecord(new YearMonth(2027, 6), 50m, false, null, null))),
            Event(new LocalDate(2027, 9, 1), "DEMO-NTT", new CancellationRequested(new LocalDate(2027, 9, 1), new LocalDate(2027, 9, 30))),
            Event(new LocalDate(2027, 12, 10), "DEMO-ECL", new CancellationRequested(new LocalDate(2027, 12, 10), EclectEnd)),

            // The other party acts: Eclect discontinues a service (§30-2, the end it states, ≥ 25 days after the notice)…
            Register(From, new ContractRegistration("DEMO-ECL-D", ProductCode.EclectAws, new Customer("株式会社みなと物流", "it@minato-logi.example", Language.Ja),
                new ContractDates(From), issuer)),
            Event(DiscontinuationNotice, "DEMO-ECL-D", new ProviderNoticeGiven("discontinuation", DiscontinuationNotice, DiscontinuedOn)),
            // …and OPTAGE ends a storage contract inside its minimum term, paying three months' fees (§29-3, no §11-2 charge).
            Register(new LocalDate(2026, 6, 1), new ContractRegistration("DEMO-STO-T", ProductCode.OptageStorage, new Customer("Kobe Archive K.K.", "it@kobe-archive.example", Language.En),
                new ContractDates(new LocalDate(2026, 6, 1)), issuer, new BillingProfile { Plan = new PlanSelection("entry", 3) })),
            Event(new LocalDate(2026, 11, 2), "DEMO-STO-T", new ProviderNoticeGiven("provider-termination", new LocalDate(2026, 11, 2), ProviderTerminatedOn)),
        };

        foreach (var month in From.ToYearMonth().MonthsThrough(Through.ToYearMonth()))
        {
            var last = month.EndOfMonth();
            var step = month.Month;
            // Usage arrives on the month's last day, through each contract's final month.
            if (month <= EclectEnd.ToYearMonth())
            {
                steps.Add(Event(last, "DEMO-ECL", new UsageRecorded(new MonthUsage(month, AwsUsageUsd: 1_150m + 37.5m * step, FxRate: 152.4m))));
            }

            if (month <= DiscontinuedOn.ToYearMonth())
            {
                steps.Add(Event(last, "DEMO-ECL-D", new UsageRecorded(new MonthUsage(month, AwsUsageUsd: 420m + 10m * step, FxRate: 152.4m))));
            }

            if (month <= NecExtendedEnd.ToYearMonth())
            {
                steps.Add(Event(last, "DEMO-NEC", new UsageRecorded(new MonthUsage(month, Quantity: 18 + (step % 5)))));
            }

            steps.Add(Event(last, "DEMO-NTX", new UsageRecorded(new MonthUsage(month, ResourceFee: 180_000m + 2_500m * step))));
        }

        for (var day = From; day <= Through; day = day.PlusDays(1))
        {
            var today = day;
            steps.Add(new ScriptedStep(today, "customer payments", (workflow, token) => PayAsync(stores, workflow, today, token)));
        }

        return steps;
    }

    /// <summary>Customers pay three days before the due date; one invoice is paid 20 days late, one only after the suspension it caused.</summary>
    private static async Task PayAsync(LifecycleStores stores, ContractWorkflow workflow, LocalDate today, CancellationToken cancellationToken)
    {
        var payments = new List<(string ContractId, PaymentReceived Payment)>();
        await foreach (var page in stores.Contracts.ScanAsync(100, cancellationToken).ConfigureAwait(false))
        {
            foreach (var stored in page)
            {
                foreach (var invoice in stored.State.OpenInvoices)
                {
                    // A sum owed to the customer (§29-3) is paid out on its due date; the customers pay theirs early, but for two.
                    var payOn = invoice.Outstanding < 0 ? invoice.DueDate : invoice.Number switch
                    {
                        LatePaidInvoice => invoice.DueDate.PlusDays(20),
                        SuspendedForInvoice => SuspensionPaidOn,
                        _ => invoice.DueDate.PlusDays(-3),
                    };
                    if (payOn == today)
                    {
                        payments.Add((stored.State.ContractId, new PaymentReceived(invoice.Number, today, Math.Abs(invoice.Outstanding)) { EventId = $"payment/{invoice.Number}" }));
                    }
                }
            }
        }

        foreach (var (contractId, payment) in payments)
        {
            await workflow.RaiseAsync(contractId, payment, cancellationToken).ConfigureAwait(false);
        }
    }

    private static ScriptedStep Register(LocalDate date, ContractRegistration registration) =>
        new(date, $"register {registration.ContractId}", (workflow, token) => workflow.RegisterAsync(registration, token));

    private static ScriptedStep Event(LocalDate date, string contractId, Trigger trigger) =>
        new(date, $"{trigger.GetType().Name} for {contractId}", (workflow, token) => workflow.RaiseAsync(contractId, trigger with { EventId = $"{contractId}/{trigger.GetType().Name}/{date:uuuu-MM-dd}" }, token));
}
