using System.Text;
using System.Text.Json;
using CloudLifecycle.Adapters.Email;
using CloudLifecycle.Adapters.Tables;
using CloudLifecycle.Adapters.Templates;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;
using NodaTime.Testing;

namespace CloudLifecycle.Integration.Tests;

/// <summary>The workflow on real storage (Azurite) and a real SMTP server (maildev).</summary>
[Collection(ServicesFixtureGroup.Name)]
public sealed class WorkflowAgainstRealServicesTests(TestServices services)
{
    private static readonly Issuer Issuer = new("テスト請求株式会社", "T1234567890123");

    private static ContractRegistration Nec(string id) => new(id, ProductCode.NecExpress5800,
        new Customer("Example Manufacturing K.K.", $"{id.ToLowerInvariant()}@example.com", Language.En),
        new ContractDates(new LocalDate(2026, 4, 1), new LocalDate(2027, 12, 31)), Issuer, new BillingProfile { BaseFee = 120_000m, UnitPrice = 3_000m });

    private static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10];

    private Task<LifecycleStores> StoresAsync(string? prefix = null) =>
        AzureStorage.ConnectAsync(services.StorageConnectionString, prefix ?? NewPrefix());

    private static OutboxDelivery Delivery(LifecycleStores stores, IClock clock, int smtpPort) =>
        new(stores.Outbox, new FluidNoticeRenderer(), new SmtpEmailSender(new SmtpSettings("127.0.0.1", smtpPort, "notices@cloudlifecycle.test")), stores.Documents, clock, new DeliveryOptions());

    [Fact]
    public async Task Contract_NoticesArriveInTheMailServer_AndTheInvoiceLandsInBlobStorage()
    {
        var stores = await StoresAsync();
        var clock = new FakeClock(Tokyo.WakeInstant(new LocalDate(2026, 4, 1)));
        var workflow = new ContractWorkflow(stores, clock);
        await workflow.RegisterAsync(Nec("IT-MAIL"));
        clock.Reset(Tokyo.WakeInstant(new LocalDate(2026, 4, 30)));
        await workflow.RaiseAsync("IT-MAIL", new UsageRecorded(new MonthUsage(new YearMonth(2026, 4), Quantity: 21m)));
        clock.Reset(Tokyo.WakeInstant(new LocalDate(2026, 5, 1)));
        var run = await new MonthlyInvoiceRun(stores, workflow).RunAsync(new YearMonth(2026, 4));
        var delivered = await Delivery(stores, clock, services.SmtpPort).DeliverAsync();

        Assert.Equal(1, run.Invoiced);
        Assert.Equal(2, delivered.Sent);
        var mails = (await services.EmailsAsync()).Where(m => m.GetProperty("to")[0].GetProperty("address").GetString() == "it-mail@example.com").ToList();
        Assert.Equal(2, mails.Count);
        Assert.Contains(mails, m => m.GetProperty("subject").GetString()!.Contains("Invoice INV-IT-MAIL-202604", StringComparison.Ordinal));
        var invoiceMail = mails.Single(m => m.GetProperty("subject").GetString()!.Contains("INV-IT-MAIL-202604", StringComparison.Ordinal));
        Assert.Contains("§5-1", invoiceMail.GetProperty("html").GetString(), StringComparison.Ordinal);
        var html = await stores.Documents.GetAsync("invoices/2026-04/INV-IT-MAIL-202604.html");
        var json = await stores.Documents.GetAsync("invoices/2026-04/INV-IT-MAIL-202604.json");
        Assert.NotNull(html);
        Assert.Contains("INV-IT-MAIL-202604", Encoding.UTF8.GetString(html), StringComparison.Ordinal);
        // §4: ¥120,000 base + 21 × ¥3,000 metered = ¥183,000, plus 10% tax.
        Assert.Equal(201_300, JsonDocument.Parse(json!).RootElement.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task RestartedHost_SendsNothingTwice_AndLosesNothing()
    {
        var prefix = NewPrefix();
        var stores = await StoresAsync(prefix);
        var from = new LocalDate(2026, 4, 1);
        // The simulation travels the product's own VirtualClock (the demo's), not a test clock.
        var clock = new VirtualClock(Tokyo.WakeInstant(from));
        var registration = Nec("IT-RESTART");
        var script = new List<ScriptedStep> { new(from, "register", (w, t) => w.RegisterAsync(registration, t)) };
        foreach (var month in new[] { 4, 5, 6, 7, 8 })
        {
            var last = new YearMonth(2026, month).OnDayOfMonth(1).PlusMonths(1).PlusDays(-1);
            script.Add(new(last, "usage", (w, t) => w.RaiseAsync(registration.ContractId, new UsageRecorded(new MonthUsage(new YearMonth(2026, month), Quantity: 10m)), t)));
        }

        // Host A runs to the end of June and stops; host B starts from the same storage with nothing in memory.
        await new LifecycleSimulation(await StoresAsync(prefix), clock, Delivery(stores, clock, services.SmtpPort)).RunAsync(from, new LocalDate(2026, 6, 30), script);
        var hostB = await StoresAsync(prefix);
        await new LifecycleSimulation(hostB, clock, Delivery(hostB, clock, services.SmtpPort)).RunAsync(new LocalDate(2026, 7, 1), new LocalDate(2026, 9, 30), script);
        // A third start on a day already handled changes nothing.
        var hostC = await StoresAsync(prefix);
        await new LifecycleSimulation(hostC, clock, Delivery(hostC, clock, services.SmtpPort)).RunAsync(new LocalDate(2026, 9, 1), new LocalDate(2026, 9, 30), script);

        var mails = (await services.EmailsAsync()).Where(m => m.GetProperty("to")[0].GetProperty("address").GetString() == "it-restart@example.com").ToList();
        var messageIds = mails.Select(m => m.GetProperty("headers").GetProperty("message-id").GetString()).ToList();
        Assert.Equal(messageIds.Distinct().Count(), messageIds.Count);
        // Registered, the extension-deadline reminder of 2026-09-01 (90 days before 2026-11-30), five invoices (April–August)
        // and, as nobody pays here, eight overdue notices: April's (due 06-30) on 07-01, 07-31, 08-30, 09-29;
        // May's (due 07-31) on 08-01, 08-31, 09-30; June's (due 08-31) on 09-01.
        Assert.Equal(15, mails.Count);
        Assert.Equal(8, mails.Count(m => m.GetProperty("subject").GetString()!.Contains("Payment overdue", StringComparison.Ordinal)));
        var invoices = await stores.Invoices.ListByContractAsync(registration.ContractId);
        Assert.Equal(["2026-04", "2026-05", "2026-06", "2026-07", "2026-08"], invoices.Select(i => i.Month.ToString("uuuu-MM", null)));
        await foreach (var item in stores.Outbox.ListAsync())
        {
            Assert.Equal(DeliveryStatus.Sent, item.Status);
        }
    }

    [Fact]
    public async Task Outbox_WhenTheMailServerIsDown_RetriesLaterUnderTheSameMessageId()
    {
        var stores = await StoresAsync();
        var clock = new FakeClock(Tokyo.WakeInstant(new LocalDate(2026, 4, 1)));
        await new ContractWorkflow(stores, clock).RegisterAsync(Nec("IT-RETRY"));
        var closedPort = services.SmtpPort == 1 ? 2 : 1;

        var down = await Delivery(stores, clock, closedPort).DeliverAsync();
        var tooSoon = await Delivery(stores, clock, services.SmtpPort).DeliverAsync();
        clock.Advance(Duration.FromMinutes(2));
        var up = await Delivery(stores, clock, services.SmtpPort).DeliverAsync();

        Assert.Equal((0, 1), (down.Sent, down.Retrying));
        Assert.Equal(0, tooSoon.Sent);
        Assert.Equal(1, up.Sent);
        var item = Assert.Single(await ToListAsync(stores.Outbox.ListAsync()));
        Assert.Equal((DeliveryStatus.Sent, 2), (item.Status, item.Attempts));
        var mail = Assert.Single(await services.EmailsAsync(), m => m.GetProperty("to")[0].GetProperty("address").GetString() == "it-retry@example.com");
        Assert.Equal(OutboxDelivery.MessageId(item.Notice.Id, new DeliveryOptions().MessageIdDomain), mail.GetProperty("headers").GetProperty("message-id").GetString()!.Trim('<', '>'));
    }

    [Fact]
    public async Task TwoHostsDeliveringOneOutbox_TheMailServerReceivesEachNoticeOnce()
    {
        var prefix = NewPrefix();
        var stores = await StoresAsync(prefix);
        var clock = new VirtualClock(Tokyo.WakeInstant(new LocalDate(2026, 4, 1)));
        var workflow = new ContractWorkflow(stores, clock);
        var ids = Enumerable.Range(0, 12).Select(i => $"IT-TWOHOSTS-{prefix}-{i}").ToList();
        foreach (var id in ids)
        {
            await workflow.RegisterAsync(Nec(id));
        }

        // Two hosts with their own connections to the same storage account, delivering at the same time.
        var hostA = await StoresAsync(prefix);
        var hostB = await StoresAsync(prefix);
        var reports = await Task.WhenAll(
            Task.Run(() => Delivery(hostA, clock, services.SmtpPort).DeliverAsync()),
            Task.Run(() => Delivery(hostB, clock, services.SmtpPort).DeliverAsync()));

        var addresses = ids.Select(id => $"{id.ToLowerInvariant()}@example.com").ToHashSet();
        var mails = (await services.EmailsAsync()).Where(m => addresses.Contains(m.GetProperty("to")[0].GetProperty("address").GetString()!)).ToList();
        var items = await ToListAsync(stores.Outbox.ListAsync());
        var ours = items.Where(i => ids.Contains(i.Notice.ContractId)).ToList();
        Assert.Equal(ids.Count, ours.Count);
        Assert.Equal(ours.Count, mails.Count);
        Assert.Equal(ours.Count, reports.Sum(r => r.Sent));
        Assert.Equal(mails.Count, mails.Select(m => m.GetProperty("headers").GetProperty("message-id").GetString()).Distinct().Count());
        Assert.All(ours, item =>
        {
            Assert.Equal((DeliveryStatus.Sent, 1), (item.Status, item.Attempts));
            Assert.False(string.IsNullOrWhiteSpace(item.SmtpReply));
        });
    }

    [Fact]
    public async Task ContractStore_TwoWritersFromTheSameRead_SecondIsRefusedByTheETag()
    {
        var stores = await StoresAsync();
        var state = Nec("IT-ETAG").ToState();
        Assert.True(await stores.Contracts.TryCreateAsync(state));
        Assert.False(await stores.Contracts.TryCreateAsync(state));
        var read = await stores.Contracts.GetAsync("IT-ETAG");

        await stores.Contracts.ReplaceAsync(read!.State with { Version = 1 }, read.ETag);

        await Assert.ThrowsAsync<ConcurrencyException>(() => stores.Contracts.ReplaceAsync(read.State with { Version = 1 }, read.ETag));
    }

    /// <summary>
    /// The row is its own outbox: the state and its decision's commands are one entity under one ETag (commands longer
    /// than a Table string property span numbered properties), a write on a stale ETag stores neither, and a write
    /// without commands clears them.
    /// </summary>
    [Fact]
    public async Task ContractStore_KeepsPendingCommandsWithTheStateInOneConditionalWrite()
    {
        var stores = await StoresAsync();
        var state = Nec("IT-OUTBOX").ToState();
        Assert.True(await stores.Contracts.TryCreateAsync(state));
        var read = (await stores.Contracts.GetAsync("IT-OUTBOX"))!;
        Assert.Empty(read.PendingCommands);
        var day = new LocalDate(2026, 4, 1);
        IReadOnlyList<LifecycleCommand> commands = Enumerable.Range(0, 40)
            .Select(i => (LifecycleCommand)new RecordHistory(new HistoryEntry($"k/{i}", day, "Test", "§1", new Text(new string('あ', 500), new string('a', 500)))) { ContractId = "IT-OUTBOX" })
            .ToList();

        var saved = await stores.Contracts.ReplaceManyAsync([read with { State = state with { Version = 1 }, PendingCommands = commands }]);

        Assert.Empty(saved.Conflicts);
        var pending = (await stores.Contracts.GetAsync("IT-OUTBOX"))!;
        Assert.Equal(LifecycleJson.Serialize(commands), LifecycleJson.Serialize(pending.PendingCommands));
        Assert.Equal(pending.ETag, saved.ETags["IT-OUTBOX"]);
        await Assert.ThrowsAsync<ConcurrencyException>(() => stores.Contracts.ReplaceAsync(state with { Version = 2 }, read.ETag, []));
        Assert.Equal(40, (await stores.Contracts.GetAsync("IT-OUTBOX"))!.PendingCommands.Count);

        await stores.Contracts.ReplaceAsync(pending.State, saved.ETags["IT-OUTBOX"]);

        var cleared = (await stores.Contracts.GetAsync("IT-OUTBOX"))!;
        Assert.Empty(cleared.PendingCommands);
        Assert.Equal(1, cleared.State.Version);
    }

    /// <summary>
    /// Clearing the outbox is a conditional merge of one column: under a stale ETag (another writer stored a newer
    /// decision and its commands after the save) it clears nothing and keeps that writer's state and commands; under
    /// the save's ETag it clears the commands and leaves the state as saved; a later write of fewer commands reads
    /// back only those (the old parts a merge could not remove are not read).
    /// </summary>
    [Fact]
    public async Task ContractStore_ClearPending_IsConditionalOnTheETag_AndLeavesTheStateAsSaved()
    {
        var stores = await StoresAsync();
        var day = new LocalDate(2026, 4, 1);
        IReadOnlyList<LifecycleCommand> History(string id, int count, int chars) => Enumerable.Range(0, count)
            .Select(i => (LifecycleCommand)new RecordHistory(new HistoryEntry($"k/{i}", day, "Test", "§1", new Text(new string('あ', chars), new string('a', chars)))) { ContractId = id })
            .ToList();
        var ids = new[] { "IT-CLEAR-A", "IT-CLEAR-B" };
        var saved = new List<StoredContract>();
        foreach (var id in ids)
        {
            var state = Nec(id).ToState();
            Assert.True(await stores.Contracts.TryCreateAsync(state));
            var read = (await stores.Contracts.GetAsync(id))!;
            var etag = await stores.Contracts.ReplaceAsync(state with { Version = 1 }, read.ETag, History(id, 40, 500));
            saved.Add(new StoredContract(state with { Version = 1 }, etag));
        }

        // Another writer stores version 2 of B, with its own commands, between the run's save and its clear.
        var newer = Nec("IT-CLEAR-B").ToState() with { Version = 2 };
        await stores.Contracts.ReplaceAsync(newer, saved[1].ETag, History("IT-CLEAR-B", 3, 10));

        var cleared = await stores.Contracts.ClearPendingManyAsync(saved);

        Assert.Equal(["IT-CLEAR-B"], cleared.Conflicts);
        var a = (await stores.Contracts.GetAsync("IT-CLEAR-A"))!;
        Assert.Empty(a.PendingCommands);
        Assert.Equal(LifecycleJson.Serialize(saved[0].State), LifecycleJson.Serialize(a.State));
        Assert.Equal(a.ETag, cleared.ETags["IT-CLEAR-A"]);
        var b = (await stores.Contracts.GetAsync("IT-CLEAR-B"))!;
        Assert.Equal(2, b.State.Version);
        Assert.Equal(3, b.PendingCommands.Count);
        var pending = new List<string>();
        await foreach (var page in stores.Contracts.ScanPendingAsync(10))
        {
            pending.AddRange(page.Select(s => s.State.ContractId));
        }

        Assert.Equal(["IT-CLEAR-B"], pending);
        await stores.Contracts.ReplaceAsync(a.State with { Version = 2 }, a.ETag, History("IT-CLEAR-A", 1, 10));
        Assert.Single((await stores.Contracts.GetAsync("IT-CLEAR-A"))!.PendingCommands);
    }

    /// <summary>
    /// A page's wake-ups are listed and unlisted in batches of one date; a batch holding a row that is not listed (a
    /// repeated run) still unlists the others.
    /// </summary>
    [Fact]
    public async Task DueIndex_AddsAndRemovesManyInBatches_AMissingRowStopsNone()
    {
        var stores = await StoresAsync();
        var day = new LocalDate(2026, 11, 20);
        var wakeUps = Enumerable.Range(0, 150).Select(i => ($"IT-DUE-{i:D3}", i % 3 == 0 ? day.PlusDays(1) : day)).ToList();
        await stores.DueIndex.AddManyAsync(wakeUps);
        var listed = new List<(string, LocalDate)>();
        await foreach (var due in stores.DueIndex.DueAsync(day.PlusDays(1)))
        {
            listed.Add(due);
        }

        Assert.Equal(150, listed.Count);
        await stores.DueIndex.RemoveAsync("IT-DUE-001", day);
        await stores.DueIndex.RemoveManyAsync(wakeUps.Take(120).ToList());
        var left = new List<string>();
        await foreach (var due in stores.DueIndex.DueAsync(day.PlusDays(1)))
        {
            left.Add(due.ContractId);
        }

        Assert.Equal(wakeUps.Skip(120).Select(w => w.Item1).Order(StringComparer.Ordinal), left.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ContractStore_ScanPending_AsksTheTableForRowsHoldingCommandsOnly()
    {
        var stores = await StoresAsync();
        var day = new LocalDate(2026, 4, 1);
        for (var i = 0; i < 5; i++)
        {
            var state = Nec($"IT-SWEEP-{i}").ToState();
            IReadOnlyList<LifecycleCommand> commands = i % 2 == 0
                ? [new RecordHistory(new HistoryEntry($"sweep/{i}", day, "Test", "§1", new Text("保留", "pending"))) { ContractId = state.ContractId }]
                : [];
            Assert.True(await stores.Contracts.TryCreateAsync(state, commands));
        }

        var pending = new List<string>();
        await foreach (var page in stores.Contracts.ScanPendingAsync(2))
        {
            pending.AddRange(page.Select(s => s.State.ContractId));
        }

        Assert.Equal(["IT-SWEEP-0", "IT-SWEEP-2", "IT-SWEEP-4"], pending.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task MonthlyRun_RunTwice_InvoicesOnceAndWritesEntityGroupBatches()
    {
        var stores = await StoresAsync();
        var clock = new FakeClock(Tokyo.WakeInstant(new LocalDate(2026, 4, 1)));
        var workflow = new ContractWorkflow(stores, clock);
        for (var i = 0; i < 150; i++)
        {
            await stores.Contracts.TryCreateAsync(Nec($"IT-RUN-{i:D3}").ToState() with
            {
                ProcessedThrough = new LocalDate(2026, 5, 1),
                Usage = [new MonthUsage(new YearMonth(2026, 4), Quantity: i)],
            });
        }

        clock.Reset(Tokyo.WakeInstant(new LocalDate(2026, 5, 1)));
        var first = await new MonthlyInvoiceRun(stores, workflow).RunAsync(new YearMonth(2026, 4));
        var second = await new MonthlyInvoiceRun(stores, workflow).RunAsync(new YearMonth(2026, 4));

        Assert.Equal((150, 150, 0), (first.Contracts, first.Invoiced, first.Failures.Count));
        Assert.Equal((0, 150), (second.Invoiced, second.AlreadyInvoiced));
        Assert.NotNull(await stores.Invoices.GetAsync("INV-IT-RUN-149-202604"));
        Assert.NotNull(await stores.Documents.GetAsync("reports/billing-2026-04.json"));
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
