using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Core.Time;
using NodaTime;
using NodaTime.Testing;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>
/// Issue 13 §5: one contract whose month cannot be invoiced must not stop the run. It is reported with
/// its id and the reason, and every other contract is invoiced.
/// </summary>
public class MonthlyRunFailureTests
{
    private const int Healthy = 5;
    private static readonly YearMonth Month = YM("2026-10");

    /// <summary>Healthy eclect-aws contracts with October usage, and one more whose state the test spoils.</summary>
    private static async Task<(LifecycleStores Stores, ContractWorkflow Workflow)> WorldAsync(Func<ContractState, ContractState> spoil)
    {
        var stores = InMemoryStores.Create();
        var workflow = new ContractWorkflow(stores, new FakeClock(Tokyo.WakeInstant(D("2026-10-31"))));
        for (var i = 1; i <= Healthy; i++)
        {
            await workflow.RegisterAsync(Eclect($"OK-{i}", "2026-04-01"));
            await workflow.RaiseAsync($"OK-{i}", new UsageRecorded(new MonthUsage(Month, AwsUsageUsd: 1_000m * i, FxRate: 150m)));
        }

        // Stored as a host before the bounds would have stored it: usage the API then accepted (decimal.MaxValue dollars).
        await workflow.RegisterAsync(Eclect("POISON", "2026-04-01"));
        var stored = (await stores.Contracts.GetAsync("POISON"))!;
        await stores.Contracts.ReplaceAsync(spoil(stored.State), stored.ETag);
        return (stores, new ContractWorkflow(stores, new FakeClock(Tokyo.WakeInstant(D("2026-11-02")))));
    }

    [Fact]
    public async Task AContractWhoseInvoiceOverflows_IsReportedWithItsReason_AndTheOthersAreInvoiced()
    {
        var (stores, workflow) = await WorldAsync(state => state with { Usage = [new MonthUsage(Month, AwsUsageUsd: decimal.MaxValue, FxRate: 150m)] });

        var report = await new MonthlyInvoiceRun(stores, workflow).RunAsync(Month);

        Assert.Equal(Healthy + 1, report.Contracts);
        Assert.Equal(Healthy, report.Invoiced);
        var failure = Assert.Single(report.Failures);
        Assert.Equal("POISON", failure.ContractId);
        Assert.Equal("awsUsageUsd", failure.Field);
        Assert.Contains("out of bounds", failure.Reason, StringComparison.Ordinal);
        for (var i = 1; i <= Healthy; i++)
        {
            Assert.NotNull(await stores.Invoices.GetAsync($"INV-OK-{i}-202610"));
        }

        Assert.Null(await stores.Invoices.GetAsync("INV-POISON-202610"));
        Assert.DoesNotContain(Month, (await stores.Contracts.GetAsync("POISON"))!.State.InvoicedMonths);
        // The stored report says the same as the answer.
        var stored = await stores.Documents.GetAsync(MonthlyInvoiceRun.ReportPath(Month));
        Assert.Contains("POISON", System.Text.Encoding.UTF8.GetString(stored!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AContractWhoseDocumentsCannotBeWritten_IsReported_AndTheOthersOfItsPageAreInvoiced()
    {
        var documents = new FailingDocuments("INV-POISON-");
        var stores = InMemoryStores.Create(documents);
        var workflow = new ContractWorkflow(stores, new FakeClock(Tokyo.WakeInstant(D("2026-10-31"))));
        foreach (var id in new[] { "A-1", "POISON", "A-2" })
        {
            await workflow.RegisterAsync(Eclect(id, "2026-04-01"));
            await workflow.RaiseAsync(id, new UsageRecorded(new MonthUsage(Month, AwsUsageUsd: 500m, FxRate: 150m)));
        }

        var report = await new MonthlyInvoiceRun(stores, new ContractWorkflow(stores, new FakeClock(Tokyo.WakeInstant(D("2026-11-02"))))).RunAsync(Month);

        Assert.Equal(2, report.Invoiced);
        var failure = Assert.Single(report.Failures);
        Assert.Equal(("POISON", MonthlyInvoicePage.UnexpectedFailureField), (failure.ContractId, failure.Field));
        Assert.Contains("IOException", failure.Reason, StringComparison.Ordinal);
        Assert.Contains(Month, (await stores.Contracts.GetAsync("A-1"))!.State.InvoicedMonths);
        Assert.Contains(Month, (await stores.Contracts.GetAsync("A-2"))!.State.InvoicedMonths);
        Assert.DoesNotContain(Month, (await stores.Contracts.GetAsync("POISON"))!.State.InvoicedMonths);
    }

    /// <summary>A document store that refuses the paths containing a marker, as a full disk or a broken share would.</summary>
    private sealed class FailingDocuments(string marker) : IDocumentStore
    {
        private readonly InMemoryDocumentStore inner = new();

        public Task PutAsync(string path, string contentType, byte[] content, CancellationToken cancellationToken = default) =>
            path.Contains(marker, StringComparison.Ordinal)
                ? throw new IOException($"cannot write {path}")
                : inner.PutAsync(path, contentType, content, cancellationToken);

        public Task<byte[]?> GetAsync(string path, CancellationToken cancellationToken = default) => inner.GetAsync(path, cancellationToken);
    }
}
