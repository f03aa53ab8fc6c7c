using CloudLifecycle.Adapters.Tables;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;
using NodaTime.Testing;

namespace CloudLifecycle.Integration.Tests;

/// <summary>A late payment's interest invoice is stored beside the month's invoice on real Table Storage, neither overwriting the other.</summary>
[Collection(ServicesFixtureGroup.Name)]
public sealed class InvoiceStoreAgainstAzuriteTests(TestServices services)
{
    [Fact]
    public async Task LateInterestInvoice_IsStoredBesideTheMonthsInvoice_AndBothAreFoundByNumberAndContract()
    {
        var stores = await AzureStorage.ConnectAsync(services.StorageConnectionString, "t" + Guid.NewGuid().ToString("N")[..10]);
        var clock = new FakeClock(Tokyo.WakeInstant(new LocalDate(2026, 4, 1)));
        var workflow = new ContractWorkflow(stores, clock);
        var issuer = new Core.Billing.Issuer("テスト請求株式会社", "T1234567890123");
        await workflow.RegisterAsync(new ContractRegistration("IT-LATE", ProductCode.NttEastAwsOps, new Customer("顧客株式会社", "it-late@example.com"),
            new ContractDates(new LocalDate(2026, 4, 10)), issuer, new BillingProfile { Plan = new Core.Billing.PlanSelection("standard", 4) }));
        // A neighbour whose id starts like this one's: its invoices are not this contract's.
        await workflow.RegisterAsync(new ContractRegistration("IT-LATE2", ProductCode.NttEastAwsOps, new Customer("顧客株式会社", "it-late2@example.com"),
            new ContractDates(new LocalDate(2026, 4, 10)), issuer, new BillingProfile { Plan = new Core.Billing.PlanSelection("standard", 4) }));
        clock.Reset(Tokyo.WakeInstant(new LocalDate(2026, 6, 1)));
        await new MonthlyInvoiceRun(stores, workflow).RunAsync(new YearMonth(2026, 5));
        var may = (await stores.Invoices.GetAsync("INV-IT-LATE-202605"))!;
        // ntt-east-aws-ops §19: paid 20 days late, beyond the 15-day waiver → 14.5% interest, billed on its own invoice.
        var paidOn = may.DueDate.PlusDays(20);
        clock.Reset(Tokyo.WakeInstant(paidOn));
        await workflow.RaiseAsync("IT-LATE", new PaymentReceived(may.Number, paidOn, may.Total));

        var number = $"INV-IT-LATE-{paidOn:uuuuMM}-L1";
        var interest = await stores.Invoices.GetAsync(number);
        var listed = await stores.Invoices.ListByContractAsync("IT-LATE");

        Assert.NotNull(interest);
        Assert.Equal(may.Number, interest.Refers);
        Assert.Equal((long)decimal.Floor(may.Total * 0.145m * 19 / 365), interest.Total); // from the day after the due date to the day before payment
        Assert.Equal([may.Number, number], listed.Select(i => i.Number));
        Assert.Equal(may, await stores.Invoices.GetAsync(may.Number), new InvoiceNumberAndTotal());
        Assert.NotNull(await stores.Documents.GetAsync($"invoices/{paidOn:uuuu-MM}/{number}.html"));
        // The month's invoices (what the stored monthly report counts): May's of both contracts, not the interest invoice.
        Assert.Equal(["INV-IT-LATE-202605", "INV-IT-LATE2-202605"], (await stores.Invoices.ListByMonthAsync(new YearMonth(2026, 5))).Select(i => i.Number));
    }

    private sealed class InvoiceNumberAndTotal : IEqualityComparer<Core.Billing.Invoice?>
    {
        public bool Equals(Core.Billing.Invoice? x, Core.Billing.Invoice? y) => (x?.Number, x?.Total) == (y?.Number, y?.Total);

        public int GetHashCode(Core.Billing.Invoice? obj) => HashCode.Combine(obj?.Number, obj?.Total);
    }
}
