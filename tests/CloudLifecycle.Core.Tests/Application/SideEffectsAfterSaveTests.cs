using NodaTime.Testing;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Billing.Rendering;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>
/// Issue 14 point 6 and issue 13 defects 3 and 4: a decision's side effects (invoice, notice, usage row, history,
/// wake-up) happen only once the decision is stored, and a crash between the save and the side effects loses none.
/// The contract row is its own outbox: the state and its decision's commands are one conditional write; the commands
/// run after it, and whoever finds them still on the row runs them first.
/// </summary>
public class SideEffectsAfterSaveTests
{
    private static readonly YearMonth October = YM("2026-10");

    /// <summary>An outbox that fails the next enqueue, as a host killed after the contract's save and before its notice.</summary>
    private sealed class OutboxFailingOnce(IOutbox inner) : IOutbox
    {
        public bool Armed { get; set; }

        public int Enqueued { get; private set; }

        public Task EnqueueAsync(IReadOnlyList<Notice> notices, Instant now, CancellationToken cancellationToken = default)
        {
            if (Armed)
            {
                Armed = false;
                throw new IOException("host killed before the notice was enqueued");
            }

            Enqueued += notices.Count;
            return inner.EnqueueAsync(notices, now, cancellationToken);
        }

        public Task<OutboxItem?> GetAsync(string noticeId, CancellationToken cancellationToken = default) => inner.GetAsync(noticeId, cancellationToken);

        public Task<IReadOnlyList<OutboxItem>> DueAsync(Instant now, int max, CancellationToken cancellationToken = default) => inner.DueAsync(now, max, cancellationToken);

        public Task<OutboxItem?> TryUpdateAsync(OutboxItem item, CancellationToken cancellationToken = default) => inner.TryUpdateAsync(item, cancellationToken);

        public Task<int> CountSentSinceAsync(Instant since, CancellationToken cancellationToken = default) => inner.CountSentSinceAsync(since, cancellationToken);

        public IAsyncEnumerable<OutboxItem> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);

        public Task<IReadOnlyList<OutboxItem>> ListForContractAsync(string contractId, CancellationToken cancellationToken = default) => inner.ListForContractAsync(contractId, cancellationToken);
    }

    private static ContractWorkflow At(LifecycleStores stores, string date) => new(stores, new FakeClock(Tokyo.WakeInstant(D(date))));

    private static async Task<IReadOnlyList<OutboxItem>> NoticesAsync(LifecycleStores stores, string contractId, NoticeKind kind) =>
        (await stores.Outbox.ListForContractAsync(contractId)).Where(n => n.Notice.Kind == kind).ToList();

    /// <summary>The "total including tax" the invoice email states.</summary>
    private static string EmailTotal(OutboxItem notice) => notice.Notice.Facts.Single(f => f.Label.En == "total including tax").Value;

    [Fact]
    public async Task ACancellationWhoseSaveLosesTheRace_SendsNoEmail_TheOnlyEmailIsTheStoredCancellations()
    {
        var shared = InMemoryStores.Create();
        await At(shared, "2026-06-10").RegisterAsync(Eclect("C-1", "2026-04-01"));
        var hostB = At(shared, "2026-06-10");
        var hostA = new ContractWorkflow(shared with
        {
            Contracts = new AnotherWriterFirst(shared.Contracts, "C-1", () =>
                hostB.RaiseAsync("C-1", new CancellationRequested(D("2026-06-10"), D("2026-07-20")) { EventId = "crm/cancel-b" })),
        }, new FakeClock(Tokyo.WakeInstant(D("2026-06-10"))));

        // Host A decided its cancellation (end 2026-08-20) from the state it read; B's was stored first.
        var refused = await Assert.ThrowsAsync<ContractRuleException>(() =>
            hostA.RaiseAsync("C-1", new CancellationRequested(D("2026-06-10"), D("2026-08-20")) { EventId = "crm/cancel-a" }));

        Assert.Equal(RefusalKind.Conflict, refused.Kind);
        var stored = (await shared.Contracts.GetAsync("C-1"))!;
        Assert.Contains("crm/cancel-b", stored.State.RecentEventIds);
        Assert.DoesNotContain("crm/cancel-a", stored.State.RecentEventIds);
        Assert.Empty(stored.PendingCommands);
        var email = Assert.Single(await NoticesAsync(shared, "C-1", NoticeKind.CancellationReceived));
        var texts = string.Join(" ", email.Notice.Facts.Select(f => f.Value).Concat(email.Notice.Paragraphs.Select(p => p.En)));
        Assert.Contains("2026-07-20", texts, StringComparison.Ordinal);
        Assert.DoesNotContain("2026-08-20", texts, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsageWhoseSaveLosesToTheBillingRun_LeavesNoUsageRowOfItsOwn()
    {
        var shared = InMemoryStores.Create();
        var october = At(shared, "2026-10-31");
        await october.RegisterAsync(Eclect("C-1", "2026-04-01"));
        await october.RaiseAsync("C-1", new UsageRecorded(new MonthUsage(October, AwsUsageUsd: 1_000m, FxRate: 150m)));
        var hostB = At(shared, "2026-11-02");
        var hostA = new ContractWorkflow(shared with
        {
            Contracts = new AnotherWriterFirst(shared.Contracts, "C-1", () => new MonthlyInvoiceRun(shared, hostB).RunAsync(October)),
        }, new FakeClock(Tokyo.WakeInstant(D("2026-11-02"))));

        await Assert.ThrowsAsync<ContractRuleException>(() =>
            hostA.RaiseAsync("C-1", new UsageRecorded(new MonthUsage(October, AwsUsageUsd: 3_000m, FxRate: 150m)) { EventId = "api/usage-late" }));

        // The usage row is the one the invoice was computed from, not the refused figure (issue 13 defect 3).
        Assert.Equal(1_000m, (await shared.Usage.GetAsync("C-1", October))!.AwsUsageUsd);
        Assert.Single(await shared.Invoices.ListByMonthAsync(October));
    }

    /// <summary>
    /// Issue 13 defect 4: the run decides a contract's October invoice; before it saves, usage for October arrives
    /// through the contract's own round and is stored. The run's decision is never stored, so its invoice and email are
    /// never written: the contract is invoiced through its round from the new usage, and the email states that invoice.
    /// </summary>
    [Fact]
    public async Task UsageArrivingDuringTheBillingRun_NeverMakesTheInvoiceEmailDifferFromTheStoredInvoice()
    {
        var shared = InMemoryStores.Create();
        var october = At(shared, "2026-10-31");
        foreach (var id in new[] { "C-1", "C-2" })
        {
            await october.RegisterAsync(Eclect(id, "2026-04-01"));
            await october.RaiseAsync(id, new UsageRecorded(new MonthUsage(October, AwsUsageUsd: 1_000m, FxRate: 150m)));
        }

        var hostB = At(shared, "2026-11-02");
        var runStores = shared with
        {
            Contracts = new AnotherWriterFirst(shared.Contracts, "C-1", () =>
                hostB.RaiseAsync("C-1", new UsageRecorded(new MonthUsage(October, AwsUsageUsd: 3_000m, FxRate: 150m)) { EventId = "api/usage-corrected" })),
        };
        var hostA = new ContractWorkflow(runStores, new FakeClock(Tokyo.WakeInstant(D("2026-11-02"))));

        var report = await new MonthlyInvoiceRun(runStores, hostA).RunAsync(October);

        Assert.Equal((2, 1), (report.Invoiced, report.Conflicts));
        foreach (var id in new[] { "C-1", "C-2" })
        {
            var invoice = (await shared.Invoices.GetAsync($"INV-{id}-202610"))!;
            var email = Assert.Single(await NoticesAsync(shared, id, NoticeKind.InvoiceIssued));
            Assert.Equal(InvoiceHtml.Yen(invoice.Total), EmailTotal(email));
            Assert.Empty((await shared.Contracts.GetAsync(id))!.PendingCommands);
        }

        var corrected = (await shared.Invoices.GetAsync("INV-C-1-202610"))!;
        var unchanged = (await shared.Invoices.GetAsync("INV-C-2-202610"))!;
        Assert.True(corrected.Total > unchanged.Total, "C-1's invoice bills the usage stored before it was issued");
        Assert.Equal(3_000m, (await shared.Usage.GetAsync("C-1", October))!.AwsUsageUsd);
    }

    [Fact]
    public async Task ACrashAfterTheSaveBeforeTheNotice_LosesNothing_TheNextRoundEnqueuesItOnce()
    {
        var outbox = new OutboxFailingOnce(new InMemoryOutbox());
        var stores = InMemoryStores.Create() with { Outbox = outbox };
        var october = At(stores, "2026-10-31");
        await october.RegisterAsync(Eclect("C-1", "2026-04-01"));
        await october.RaiseAsync("C-1", new UsageRecorded(new MonthUsage(October, AwsUsageUsd: 1_000m, FxRate: 150m)));
        var runDay = At(stores, "2026-11-02");

        outbox.Armed = true;
        await Assert.ThrowsAsync<IOException>(() => runDay.RaiseAsync("C-1", new InvoiceMonth(October) { EventId = "run/2026-10" }));

        // The decision is stored with its commands still on the row; the notice is not in the outbox yet.
        var afterCrash = (await stores.Contracts.GetAsync("C-1"))!;
        Assert.Contains(October, afterCrash.State.InvoicedMonths);
        Assert.Contains(afterCrash.PendingCommands, c => c is EnqueueNotice { Notice.Kind: NoticeKind.InvoiceIssued });
        Assert.Empty(await NoticesAsync(stores, "C-1", NoticeKind.InvoiceIssued));
        var enqueuedBefore = outbox.Enqueued;

        // The contract's next round (any event) runs them before deciding; a second round finds nothing to run.
        await runDay.RaiseAsync("C-1", new OverdueCheck { EventId = "overdue-check/2026-11-02" });
        await runDay.RaiseAsync("C-1", new OverdueCheck { EventId = "overdue-check/2026-11-02b" });

        Assert.Equal(enqueuedBefore + 1, outbox.Enqueued);
        var invoice = Assert.Single(await stores.Invoices.ListByMonthAsync(October));
        var email = Assert.Single(await NoticesAsync(stores, "C-1", NoticeKind.InvoiceIssued));
        Assert.Equal(InvoiceHtml.Yen(invoice.Total), EmailTotal(email));
        Assert.Empty((await stores.Contracts.GetAsync("C-1"))!.PendingCommands);
        Assert.NotNull(await stores.Documents.GetAsync(CommandExecutor.DocumentPath(invoice, "html")));
    }

    [Fact]
    public async Task ACrashAfterTheSave_IsCompletedByTheHostOnStart_AndTheMonthlyRunInvoicesNothingTwice()
    {
        var outbox = new OutboxFailingOnce(new InMemoryOutbox());
        var stores = InMemoryStores.Create() with { Outbox = outbox };
        var october = At(stores, "2026-10-31");
        await october.RegisterAsync(Eclect("C-1", "2026-04-01"));
        await october.RaiseAsync("C-1", new UsageRecorded(new MonthUsage(October, AwsUsageUsd: 1_000m, FxRate: 150m)));
        var runDay = At(stores, "2026-11-02");
        outbox.Armed = true;
        await Assert.ThrowsAsync<IOException>(() => runDay.RaiseAsync("C-1", new InvoiceMonth(October) { EventId = "run/2026-10" }));

        var restarted = At(stores, "2026-11-02");
        Assert.Equal(1, await restarted.Activities.CompleteAllPendingAsync());
        Assert.Equal(0, await restarted.Activities.CompleteAllPendingAsync());
        var report = await new MonthlyInvoiceRun(stores, restarted).RunAsync(October);

        Assert.Equal((0, 1), (report.Invoiced, report.AlreadyInvoiced));
        Assert.Single(await stores.Invoices.ListByMonthAsync(October));
        Assert.Single(await NoticesAsync(stores, "C-1", NoticeKind.InvoiceIssued));
    }

    /// <summary>
    /// The same crash on the Durable path: the round's CompleteCommands activity fails after SaveContract stored the
    /// decision (the orchestration dies); the contract's next round completes the commands before deciding its event.
    /// </summary>
    [Fact]
    public async Task OnTheDurablePath_ARoundThatDiesAfterItsSave_IsCompletedByTheNextRound()
    {
        var outbox = new OutboxFailingOnce(new InMemoryOutbox());
        var stores = InMemoryStores.Create() with { Outbox = outbox };
        var clock = new FakeClock(Tokyo.WakeInstant(D("2026-10-31")));
        var runtime = new DurableRuntimeDouble(new ContractActivities(stores, clock), clock);
        var events = new OrchestratedContractEvents(stores, runtime, clock);
        await events.RegisterAsync(Eclect("C-1", "2026-04-01"));
        await events.RaiseAsync("C-1", new UsageRecorded(new MonthUsage(October, AwsUsageUsd: 1_000m, FxRate: 150m)) { EventId = "api/usage" }, null);
        await runtime.RunRoundsAsync();
        clock.Reset(Tokyo.WakeInstant(D("2026-11-02")));

        outbox.Armed = true;
        await events.RaiseAsync("C-1", new InvoiceMonth(October) { EventId = "run/2026-10" }, null);
        await Assert.ThrowsAsync<IOException>(() => runtime.RunRoundsAsync());
        Assert.Contains(October, (await stores.Contracts.GetAsync("C-1"))!.State.InvoicedMonths);
        Assert.Empty(await NoticesAsync(stores, "C-1", NoticeKind.InvoiceIssued));

        await events.RaiseAsync("C-1", new OverdueCheck { EventId = "overdue-check/2026-11-02" }, null);
        await runtime.RunRoundsAsync();

        var invoice = Assert.Single(await stores.Invoices.ListByMonthAsync(October));
        var email = Assert.Single(await NoticesAsync(stores, "C-1", NoticeKind.InvoiceIssued));
        Assert.Equal(InvoiceHtml.Yen(invoice.Total), EmailTotal(email));
        Assert.Empty((await stores.Contracts.GetAsync("C-1"))!.PendingCommands);
    }
}
