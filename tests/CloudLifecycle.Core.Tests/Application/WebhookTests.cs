using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Lifecycle;
using CsCheck;
using NodaTime;
using NodaTime.Testing;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>
/// Issue 16, outgoing webhooks: what a CRM receives for a contract's life (one event per state change, document issued
/// and notice sent, each once), how it is signed (Standard Webhooks, checked against the specification's own example),
/// and how it is retried (back-off, give-up, leases between deliverers).
/// </summary>
public class WebhookTests
{
    /// <summary>The Standard Webhooks specification's example: its secret, message id, timestamp, payload and signature.</summary>
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecBody = "{\"test\": 2432232314}";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static readonly string Secret = "whsec_" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    /// <summary>A receiver that answers each POST with the next of <see cref="Answers"/> (then 200), recording what it got.</summary>
    private sealed class Receiver(IClock clock) : IWebhookSender
    {
        public ConcurrentQueue<WebhookRequest> Received { get; } = new();

        public Queue<int> Answers { get; } = new();

        public bool Down { get; set; }

        public int InFlightMax;
        private int inFlight;

        public async Task<int> PostAsync(WebhookRequest request, CancellationToken cancellationToken = default)
        {
            if (Down)
            {
                throw new HttpRequestException("connection refused");
            }

            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref InFlightMax, now);
            await Task.Delay(3, cancellationToken);
            Interlocked.Decrement(ref inFlight);
            Assert.Null(WebhookVerification.Problem(Secret, request.Id, request.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), request.Signature, request.Body, clock.GetCurrentInstant()));
            Received.Enqueue(request);
            lock (Answers)
            {
                return Answers.Count > 0 ? Answers.Dequeue() : 200;
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }

    private sealed class SubjectRenderer : INoticeRenderer
    {
        public EmailMessage Render(Notice notice, string messageId) => new(messageId, notice.To.Email, notice.To.Name, notice.Subject.En, notice.Subject.En, notice.Subject.En);
    }

    private sealed class AcceptingServer : IEmailSender
    {
        public Task<string> SendAsync(EmailMessage message, CancellationToken cancellationToken = default) => Task.FromResult("250 OK");
    }

    private static WebhookDelivery Deliverer(LifecycleStores stores, Receiver receiver, IClock clock, WebhookOptions? options = null) =>
        new(stores.Webhooks!, receiver, WebhookSecret.Parse(Secret), clock, options ?? new WebhookOptions());

    /// <summary>Register on 2026-04-01, record April's usage, invoice April on 05-01, cancel on 06-10 and send every email: the scenario of the issue.</summary>
    private static async Task<(LifecycleStores Stores, FakeClock Clock)> ContractLifeAsync(LifecycleStores stores)
    {
        var clock = new FakeClock(Tokyo.WakeInstant(D("2026-04-01")));
        var workflow = new ContractWorkflow(stores, clock);
        await workflow.RegisterAsync(Eclect("C-1", "2026-04-01"));
        clock.Reset(Tokyo.WakeInstant(D("2026-04-30")));
        await workflow.RaiseAsync("C-1", new UsageRecorded(new MonthUsage(new YearMonth(2026, 4), AwsUsageUsd: 1000m, FxRate: 150m)));
        clock.Reset(Tokyo.WakeInstant(D("2026-05-01")));
        await new MonthlyInvoiceRun(stores, workflow, clock).RunAsync(new YearMonth(2026, 4));
        clock.Reset(Tokyo.WakeInstant(D("2026-06-10")));
        await workflow.RaiseAsync("C-1", new CancellationRequested(D("2026-06-10"), D("2026-07-20")) { EventId = "crm/cancel-1" });
        await new OutboxDelivery(stores.Outbox, new SubjectRenderer(), new AcceptingServer(), stores.Documents, clock, new DeliveryOptions(), webhooks: stores.Webhooks).DeliverAsync();
        return (stores, clock);
    }

    /// <summary>One contract registered now with webhooks on: one row (its contract.state_changed), enqueued now.</summary>
    private static async Task<(LifecycleStores Stores, FakeClock Clock, WebhookItem Row)> OneEventAsync()
    {
        var stores = InMemoryStores.WithWebhooks();
        var clock = new FakeClock(Tokyo.WakeInstant(D("2026-04-01")));
        var decision = LifecycleDecider.Decide(Eclect("C-1", "2026-04-01").ToState(), new Registered(), D("2026-04-01"));
        await new CommandExecutor(stores).ExecuteAsync(decision.Commands, clock.GetCurrentInstant());
        return (stores, clock, Assert.Single(await RowsAsync(stores)));
    }

    private static async Task<List<WebhookItem>> RowsAsync(LifecycleStores stores)
    {
        var rows = new List<WebhookItem>();
        await foreach (var row in stores.Webhooks!.ListAsync())
        {
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public async Task AContractsLife_RecordsOneWebhookPerStateChangeDocumentAndSentNotice()
    {
        var (stores, _) = await ContractLifeAsync(InMemoryStores.WithWebhooks());

        var rows = await RowsAsync(stores);
        var notices = new List<OutboxItem>();
        await foreach (var item in stores.Outbox.ListAsync())
        {
            notices.Add(item);
        }

        Assert.Equal(
            new[]
            {
                ("contract/C-1/event/registered", WebhookTypes.ContractStateChanged),
                ("invoice/INV-C-1-202604", WebhookTypes.InvoiceIssued),
                ("contract/C-1/event/cancellation/2026-06-10", WebhookTypes.ContractStateChanged),
            },
            rows.Where(r => r.Event.Type != WebhookTypes.NoticeSent).Select(r => (r.Event.Id, r.Event.Type)));
        // Every email the outbox sent, and only those, is announced once.
        Assert.Equal(notices.Where(n => n.Status == DeliveryStatus.Sent).Select(n => $"notice/{n.Notice.Id}").Order(StringComparer.Ordinal),
            rows.Where(r => r.Event.Type == WebhookTypes.NoticeSent).Select(r => r.Event.Id).Order(StringComparer.Ordinal));
        Assert.Contains(notices, n => n.Notice.Kind == NoticeKind.InvoiceIssued && n.Status == DeliveryStatus.Sent);
    }

    [Fact]
    public async Task Payloads_CarryIdTypeDateContractAndData_DatesIsoAmountsWholeYenClauses()
    {
        var (stores, _) = await ContractLifeAsync(InMemoryStores.WithWebhooks());
        var rows = (await RowsAsync(stores)).ToDictionary(r => r.Event.Id);

        using var cancelled = JsonDocument.Parse(rows["contract/C-1/event/cancellation/2026-06-10"].Event.Body);
        var root = cancelled.RootElement;
        Assert.Equal(["id", "type", "occurredAt", "contractId", "data"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("contract.state_changed", root.GetProperty("type").GetString());
        Assert.Equal("2026-06-10", root.GetProperty("occurredAt").GetString());
        Assert.Equal("C-1", root.GetProperty("contractId").GetString());
        Assert.Equal("cancellationReceived", root.GetProperty("data").GetProperty("change").GetString());
        Assert.Equal("§27-1", root.GetProperty("data").GetProperty("clause").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("data").GetProperty("description").GetProperty("ja").GetString()));

        var invoice = await stores.Invoices.GetAsync("INV-C-1-202604");
        using var issued = JsonDocument.Parse(rows["invoice/INV-C-1-202604"].Event.Body);
        var data = issued.RootElement.GetProperty("data");
        Assert.Equal("invoice.issued", issued.RootElement.GetProperty("type").GetString());
        Assert.Equal("2026-05-01", issued.RootElement.GetProperty("occurredAt").GetString());
        Assert.Equal("2026-04", data.GetProperty("month").GetString());
        Assert.Equal(JsonValueKind.Number, data.GetProperty("total").ValueKind);
        Assert.Equal(invoice!.Total, data.GetProperty("total").GetInt64());
        Assert.Equal(invoice.Subtotal + invoice.Tax, data.GetProperty("subtotal").GetInt64() + data.GetProperty("tax").GetInt64());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", data.GetProperty("dueDate").GetString()!);
        Assert.Equal(invoice.DueDateClause, data.GetProperty("clause").GetString());

        var sent = rows.Values.Where(r => r.Event.Type == WebhookTypes.NoticeSent).Select(r => JsonDocument.Parse(r.Event.Body)).ToList();
        using var notice = sent.Single(d => d.RootElement.GetProperty("data").GetProperty("kind").GetString() == "invoiceIssued");
        Assert.Equal("2026-06-10", notice.RootElement.GetProperty("occurredAt").GetString());
        Assert.Equal("invoiceIssued", notice.RootElement.GetProperty("data").GetProperty("kind").GetString());
        Assert.Equal("INV-C-1-202604", notice.RootElement.GetProperty("data").GetProperty("invoiceNumber").GetString());
        Assert.Equal("2026-06-10T00:00:00Z", notice.RootElement.GetProperty("data").GetProperty("sentAt").GetString());
    }

    [Fact]
    public async Task NoEndpointConfigured_NothingIsRecorded_AndTheContractsLifeRunsAsBefore()
    {
        var (stores, _) = await ContractLifeAsync(InMemoryStores.Create());

        Assert.Null(stores.Webhooks);
        Assert.NotNull(await stores.Invoices.GetAsync("INV-C-1-202604"));
    }

    [Fact]
    public void Signature_IsTheStandardWebhooksSpecificationsExample()
    {
        Assert.Equal(SpecSignature, WebhookSignature.Sign(WebhookSecret.Parse(SpecSecret), SpecId, SpecTimestamp, SpecBody));
    }

    [Fact]
    public void Signature_EqualsAnHmacComputedHereFromTheSecretsBytes()
    {
        var body = "{\"id\":\"invoice/INV-1\",\"data\":{\"subject\":\"請求書\"}}";
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var expected = "v1," + Convert.ToBase64String(new HMACSHA256(key).ComputeHash(Encoding.UTF8.GetBytes("invoice/INV-1.1780000000." + body)));

        Assert.Equal(expected, WebhookSignature.Sign(WebhookSecret.Parse(Secret), "invoice/INV-1", 1780000000, body));
    }

    [Theory]
    [InlineData(SpecSecret, SpecId, "1614265330", SpecSignature, SpecBody, null)]
    [InlineData(SpecSecret, SpecId, "1614265330", "v1,bm90IGl0 " + SpecSignature, SpecBody, null)]
    [InlineData(SpecSecret, SpecId, "1614265330", SpecSignature, "{\"test\": 2432232315}", "no v1 signature matches")]
    [InlineData(SpecSecret, "msg_other", "1614265330", SpecSignature, SpecBody, "no v1 signature matches")]
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", SpecId, "1614265330", SpecSignature, SpecBody, "no v1 signature matches")]
    [InlineData(SpecSecret, SpecId, "1614264930", SpecSignature, SpecBody, "webhook-timestamp is outside the tolerance")]
    [InlineData(SpecSecret, SpecId, "1614265330", "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", SpecBody, "no v1 signature matches")]
    public void Verification_AcceptsOnlyTheRightSecretIdTimestampAndBody(string secret, string id, string timestamp, string signature, string body, string? problem)
    {
        Assert.Equal(problem, WebhookVerification.Problem(secret, id, timestamp, signature, body, Instant.FromUnixTimeSeconds(SpecTimestamp + 10)));
    }

    [Theory]
    [InlineData("secret", "must start with 'whsec_'")]
    [InlineData("whsec_c2hvcnQ=", "is too short: 5 bytes")]
    [InlineData("whsec_not base64!", "is not 'whsec_' followed by base64")]
    public void Secret_ShortOrMalformed_IsRefusedNamingWhy(string secret, string problem)
    {
        Assert.StartsWith(problem, WebhookSecret.Problem(secret));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 32)]
    [InlineData(7, 60)]
    [InlineData(40, 60)]
    public void BackOff_DoublesFromAMinuteCappedAtAnHour_LessASpreadOfAtMostAFifth(int attempt, int minutes)
    {
        var wait = new WebhookOptions().BackOff(attempt, "invoice/INV-C-1-202604");

        Assert.InRange(wait, Duration.FromMinutes(minutes) * 0.8, Duration.FromMinutes(minutes));
    }

    [Fact]
    public void BackOff_ForEveryEventAndAttempt_StaysWithinTheScheduleAndSpreadsEventsThatFailedTogether()
    {
        var options = new WebhookOptions();
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 40], Gen.Int[1, 200]).Sample((id, attempt) =>
        {
            var cap = Duration.FromMinutes(Math.Min(60, Math.Pow(2, Math.Min(attempt - 1, 30))));
            var wait = options.BackOff(attempt, id);
            return wait <= cap && wait >= cap * 0.8 && wait == options.BackOff(attempt, id);
        });
        var waits = Enumerable.Range(0, 50).Select(i => options.BackOff(7, $"notice/C-{i}/invoice")).Distinct().Count();
        Assert.True(waits > 40, $"50 events retried after the same failure got only {waits} different waits");
    }

    [Fact]
    public async Task TheSameCommandBatchTwice_WritesOneRowPerEvent_AndKeepsItsDeliveryRecord()
    {
        var (stores, clock, _) = await OneEventAsync();
        var decision = LifecycleDecider.Decide(Eclect("C-1", "2026-04-01").ToState(), new Registered(), D("2026-04-01"));
        await Deliverer(stores, new Receiver(clock), clock).DeliverAsync();
        clock.Advance(Duration.FromMinutes(5));

        await new CommandExecutor(stores).ExecuteAsync(decision.Commands, clock.GetCurrentInstant());

        var row = Assert.Single(await RowsAsync(stores));
        Assert.Equal("contract/C-1/event/registered", row.Event.Id);
        Assert.Equal(WebhookStatus.Delivered, row.Status);
        Assert.Equal(Tokyo.WakeInstant(D("2026-04-01")), row.EnqueuedAt);
        Assert.Empty(await stores.Webhooks!.DueAsync(clock.GetCurrentInstant(), 10));
    }

    [Fact]
    public async Task ReceiverFailsTwice_DeliveredOnTheThirdAttempt_UnderTheSameWebhookId()
    {
        var (stores, clock, row) = await OneEventAsync();
        var receiver = new Receiver(clock);
        receiver.Answers.Enqueue(500);
        receiver.Answers.Enqueue(503);
        var deliverer = Deliverer(stores, receiver, clock);

        await deliverer.DeliverAsync();
        Assert.Equal((WebhookStatus.Pending, 500), ((await stores.Webhooks!.GetAsync(row.Event.Id))!.Status, (await stores.Webhooks!.GetAsync(row.Event.Id))!.LastStatusCode));
        await deliverer.DeliverAsync();
        Assert.Single(receiver.Received);
        clock.Advance(Duration.FromMinutes(1));
        await deliverer.DeliverAsync();
        Assert.Equal(WebhookStatus.Pending, (await stores.Webhooks!.GetAsync(row.Event.Id))!.Status);
        clock.Advance(Duration.FromMinutes(2));
        await deliverer.DeliverAsync();

        var delivered = await stores.Webhooks!.GetAsync(row.Event.Id);
        Assert.Equal((WebhookStatus.Delivered, 3, 200), (delivered!.Status, delivered.Attempts, delivered.LastStatusCode));
        Assert.Equal([row.Event.Id, row.Event.Id, row.Event.Id], receiver.Received.Select(r => r.Id));
        Assert.Equal(3, receiver.Received.Select(r => r.Timestamp).Distinct().Count());
        Assert.Single(receiver.Received.Select(r => r.Body).Distinct());
    }

    [Fact]
    public async Task ReceiverDownForThreeDays_TheEventIsGivenUp_KeptAsFailed_AndNotTriedAgain()
    {
        var (stores, clock, row) = await OneEventAsync();
        var receiver = new Receiver(clock) { Down = true };
        var deliverer = Deliverer(stores, receiver, clock);

        while (clock.GetCurrentInstant() < row.EnqueuedAt + Duration.FromDays(4))
        {
            await deliverer.DeliverAsync();
            clock.Advance(Duration.FromMinutes(1));
        }

        var failed = Assert.Single(await RowsAsync(stores));
        Assert.Equal(WebhookStatus.Failed, failed.Status);
        Assert.Contains("given up after", failed.LastError, StringComparison.Ordinal);
        // 1+2+…+32 minutes, then hourly less the spread for the rest of three days: some 75 to 95 attempts, none after.
        Assert.InRange(failed.Attempts, 70, 95);
        receiver.Down = false;
        clock.Advance(Duration.FromDays(1));
        await deliverer.DeliverAsync();
        Assert.Equal(failed.Attempts, (await stores.Webhooks!.GetAsync(row.Event.Id))!.Attempts);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task AHostDownForDays_DoesNotGiveUpAnOldEventBeforeItWasTriedAFewTimes()
    {
        var (stores, clock, row) = await OneEventAsync();
        clock.Advance(Duration.FromDays(5));
        var receiver = new Receiver(clock);
        receiver.Answers.Enqueue(500);

        await Deliverer(stores, receiver, clock).DeliverAsync();

        Assert.Equal(WebhookStatus.Pending, (await stores.Webhooks!.GetAsync(row.Event.Id))!.Status);
    }

    [Fact]
    public async Task ReceiverAnswers410Gone_TheEventFailsAtOnce()
    {
        var (stores, clock, row) = await OneEventAsync();
        var receiver = new Receiver(clock);
        receiver.Answers.Enqueue(410);

        var report = await Deliverer(stores, receiver, clock).DeliverAsync();

        var gone = await stores.Webhooks!.GetAsync(row.Event.Id);
        Assert.Equal((1, WebhookStatus.Failed, 1, 410), (report.Failed, gone!.Status, gone.Attempts, gone.LastStatusCode));
    }

    [Fact]
    public async Task TwoDeliverersAtOnce_EachEventIsPostedOnce()
    {
        var (stores, clock) = await ContractLifeAsync(InMemoryStores.WithWebhooks());
        var receiver = new Receiver(clock);

        var reports = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Deliverer(stores, receiver, clock).DeliverAsync())));

        var rows = await RowsAsync(stores);
        Assert.Equal(rows.Count, reports.Sum(r => r.Delivered));
        Assert.Equal(rows.Select(r => r.Event.Id).Order(StringComparer.Ordinal), receiver.Received.Select(r => r.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ADelivererDyingMidPost_LeavesAClaimOthersRespect_UntilItsLeaseExpires()
    {
        var (stores, clock) = await ContractLifeAsync(InMemoryStores.WithWebhooks());
        var first = (await RowsAsync(stores))[0];
        var claimed = await stores.Webhooks!.TryUpdateAsync(first with { Status = WebhookStatus.Sending, Attempts = 1, NextAttemptAt = clock.GetCurrentInstant() + Duration.FromMinutes(5) });
        Assert.NotNull(claimed);
        var receiver = new Receiver(clock);

        await Deliverer(stores, receiver, clock).DeliverAsync();
        Assert.DoesNotContain(receiver.Received, r => r.Id == first.Event.Id);
        clock.Advance(Duration.FromMinutes(5));
        await Deliverer(stores, receiver, clock).DeliverAsync();

        Assert.Single(receiver.Received, r => r.Id == first.Event.Id);
        Assert.Equal((WebhookStatus.Delivered, 2), ((await stores.Webhooks.GetAsync(first.Event.Id))!.Status, (await stores.Webhooks.GetAsync(first.Event.Id))!.Attempts));
    }
}
