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

    /// <summary>
    /// The decision is stored before its commands run (the row is its own outbox): a contract whose invoice documents
    /// cannot be written is invoiced and reported, and its commands stay pending on its row until they can run. Once the
    /// store works again, completing the pending commands writes the documents and enqueues the invoice notice, once.
    /// </summary>
    [Fact]
    public async Task AContractWhoseDocumentsCannotBeWritten_IsReported_KeepsItsCommandsPending_AndTheOthersOfItsPageAreInvoiced()
    {
        var documents = new FailingDocuments("INV-POISON-");
        var stores = InMemoryStores.Create(documents);
        var workflow = new ContractWorkflow(stores, new FakeClock(Tokyo.WakeInstant(D("2026-10-31"))));
        foreach (var id in new[] { "A-1", "POISON", "A-2" })
        {
            await workflow.RegisterAsync(Eclect(id, "2026-04-01"));
            await workflow.RaiseAsync(id, new UsageRecorded(new MonthUsage(Month, AwsUsageUsd: 500m, FxRate: 150m)));
        }

        var runDay = new ContractWorkflow(stores, new FakeClock(Tokyo.WakeInstant(D("2026-11-02"))));
        var report = await new MonthlyInvoiceRun(stores, runDay).RunAsync(Month);

        Assert.Equal(3, report.Invoiced);
        var failure = Assert.Single(report.Failures);
        Assert.Equal(("POISON", MonthlyInvoicePage.UnexpectedFailureField), (failure.ContractId, failure.Field));
        Assert.Contains("IOException", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("pending", failure.Reason, StringComparison.Ordinal);
        foreach (var id in new[] { "A-1", "A-2" })
        {
            var healthy = (await stores.Contracts.GetAsync(id))!;
            Assert.Contains(Month, healthy.State.InvoicedMonths);
            Assert.Empty(healthy.PendingCommands);
        }

        var poison = (await stores.Contracts.GetAsync("POISON"))!;
        Assert.Contains(Month, poison.State.InvoicedMonths);
        Assert.Contains(poison.PendingCommands, c => c is IssueInvoice);
        Assert.DoesNotContain(await stores.Outbox.ListForContractAsync("POISON"), n => n.Notice.Kind == NoticeKind.InvoiceIssued);

        documents.Heal();
        Assert.Equal(1, await runDay.Activities.CompleteAllPendingAsync());

        Assert.Empty((await stores.Contracts.GetAsync("POISON"))!.PendingCommands);
        Assert.NotNull(await stores.Documents.GetAsync(CommandExecutor.DocumentPath((await stores.Invoices.GetAsync("INV-POISON-202610"))!, "html")));
        Assert.Single(await stores.Outbox.ListForContractAsync("POISON"), n => n.Notice.Kind == NoticeKind.InvoiceIssued);
        Assert.Equal(0, await runDay.Activities.CompleteAllPendingAsync());
    }

    /// <summary>A document store that refuses the paths containing a marker, as a full disk or a broken share would.</summary>
    private sealed class FailingDocuments(string marker) : IDocumentStore
    {
        private readonly InMemoryDocumentStore inner = new();
        private bool healed;

        public void Heal() => healed = true;

        public Task PutAsync(string path, string contentType, byte[] content, CancellationToken cancellationToken = default) =>
            !healed && path.Contains(marker, StringComparison.Ordinal)
                ? throw new IOException($"cannot write {path}")
                : inner.PutAsync(path, contentType, content, cancellationToken);

        public Task<byte[]?> GetAsync(string path, CancellationToken cancellationToken = default) => inner.GetAsync(path, cancellationToken);
    }
}
