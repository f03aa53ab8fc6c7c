using NodaTime.Testing;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>
/// Issue 13 defect 3: usage for a month arrives while another process's billing run invoices that month. The usage
/// round loses its save to the run and, deciding again, is refused ("already invoiced"); the caller must then hear the
/// refusal, not "usage recorded".
/// </summary>
public class UsageDuringBillingRunTests
{
    private static readonly YearMonth Month = YM("2026-10");

    /// <summary>The contract store of host A; just before A saves the contract, host B's billing run goes first.</summary>
    private sealed class RunFirst(IContractStore inner, string contractId, Func<Task> billingRun) : IContractStore
    {
        private bool armed = true;

        public Task<StoredContract?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

        public Task<bool> TryCreateAsync(ContractState state, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default) =>
            inner.TryCreateAsync(state, pendingCommands, cancellationToken);

        public async Task<string> ReplaceAsync(ContractState state, string etag, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default)
        {
            if (armed && state.ContractId == contractId)
            {
                armed = false;
                await billingRun();
            }

            return await inner.ReplaceAsync(state, etag, pendingCommands, cancellationToken);
        }

        public Task<ReplaceManyResult> ReplaceManyAsync(IReadOnlyList<StoredContract> states, CancellationToken cancellationToken = default) =>
            inner.ReplaceManyAsync(states, cancellationToken);

        public IAsyncEnumerable<IReadOnlyList<StoredContract>> ScanAsync(int pageSize, CancellationToken cancellationToken = default) =>
            inner.ScanAsync(pageSize, cancellationToken);
    }

    [Fact]
    public async Task UsageWhoseSaveLosesToTheBillingRun_IsRefusedWithTheReason_NotAnsweredAsRecorded()
    {
        var shared = InMemoryStores.Create();
        var october = new ContractWorkflow(shared, new FakeClock(Tokyo.WakeInstant(D("2026-10-31"))));
        await october.RegisterAsync(Eclect("C-1", "2026-04-01"));
        await october.RaiseAsync("C-1", new UsageRecorded(new MonthUsage(Month, AwsUsageUsd: 1_000m, FxRate: 150m)));
        var runDay = new FakeClock(Tokyo.WakeInstant(D("2026-11-02")));
        var hostB = new ContractWorkflow(shared, runDay);
        var hostA = new ContractWorkflow(shared with { Contracts = new RunFirst(shared.Contracts, "C-1", () => new MonthlyInvoiceRun(shared, hostB).RunAsync(Month)) }, runDay);

        var refused = await Assert.ThrowsAsync<ContractRuleException>(() =>
            hostA.RaiseAsync("C-1", new UsageRecorded(new MonthUsage(Month, AwsUsageUsd: 3_000m, FxRate: 150m)) { EventId = "api/usage-late" }));

        var stored = (await shared.Contracts.GetAsync("C-1"))!.State;
        Assert.Contains(Month, stored.InvoicedMonths);
        Assert.DoesNotContain("api/usage-late", stored.RecentEventIds);
        Assert.Equal(RefusalKind.Conflict, refused.Kind);
        Assert.Contains("2026-10 is already invoiced", refused.Message, StringComparison.Ordinal);
        // The invoice is the one of the usage that was stored before the run.
        var invoice = (await shared.Invoices.GetAsync("INV-C-1-202610"))!;
        Assert.Equal(invoice, (await shared.Invoices.ListByMonthAsync(Month)).Single());
    }
}
