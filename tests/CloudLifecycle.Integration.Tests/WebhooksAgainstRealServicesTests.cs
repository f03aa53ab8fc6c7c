using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CloudLifecycle.Adapters.Email;
using CloudLifecycle.Adapters.Tables;
using CloudLifecycle.Adapters.Templates;
using CloudLifecycle.Adapters.Webhooks;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Tests.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace CloudLifecycle.Integration.Tests;

/// <summary>
/// Issue 16's outgoing webhooks end to end: the CRM API on Azurite's tables, email through maildev, and the webhooks POSTed
/// over HTTP to a local receiver (Kestrel on 127.0.0.1, a free port) that checks every signature as a CRM would and counts
/// what it accepted by webhook-id.
/// </summary>
[Collection(ServicesFixtureGroup.Name)]
public sealed class WebhooksAgainstRealServicesTests(TestServices services)
{
    private static readonly string Secret = "whsec_" + Convert.ToBase64String(Encoding.ASCII.GetBytes("integration-receiver-secret-0123"));

    private static string NewPrefix() => "hook" + Guid.NewGuid().ToString("N")[..10];

    private Task<LifecycleStores> StoresAsync(string prefix) => AzureStorage.ConnectWithWebhooksAsync(new StorageAccount(services.StorageConnectionString), prefix);

    private static WebhookDelivery Deliverer(LifecycleStores stores, Uri url, IClock clock, string secret) =>
        new(stores.Webhooks!, new HttpWebhookSender(url, TimeSpan.FromSeconds(10)), WebhookSecret.Parse(secret), clock, new WebhookOptions());

    /// <summary>
    /// A CRM's webhook endpoint: verifies the Standard Webhooks signature on the raw body (401 if it does not hold), then
    /// answers the next scripted status (200 once the script is spent). Counts accepted requests by webhook-id and the
    /// most requests for one id it ever had in flight at once.
    /// </summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly ConcurrentDictionary<string, int> inFlight = new(StringComparer.Ordinal);

        private Receiver(WebApplication app) => this.app = app;

        public Uri Url { get; private set; } = null!;

        public ConcurrentQueue<int> Script { get; } = new();

        public ConcurrentDictionary<string, int> Accepted { get; } = new(StringComparer.Ordinal);

        public ConcurrentQueue<(string Id, string Timestamp, int Status)> Requests { get; } = new();

        public ConcurrentQueue<JsonElement> Bodies { get; } = new();

        public int Rejected;

        public int MostInFlightForOneId;

        public TimeSpan Latency { get; set; }

        public static async Task<Receiver> StartAsync(Func<Instant> now, int port = 0)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.MapPost("/hooks", (Func<HttpContext, Task<IResult>>)(context => receiver.HandleAsync(context, now)));
            await app.StartAsync();
            receiver.Url = new Uri(new Uri(app.Urls.Single()), "/hooks");
            return receiver;
        }

        private async Task<IResult> HandleAsync(HttpContext context, Func<Instant> now)
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            string id = context.Request.Headers["webhook-id"].ToString(), timestamp = context.Request.Headers["webhook-timestamp"].ToString();
            if (WebhookVerification.Problem(Secret, id, timestamp, context.Request.Headers["webhook-signature"].ToString(), body, now()) is not null)
            {
                Interlocked.Increment(ref Rejected);
                Requests.Enqueue((id, timestamp, 401));
                return Results.StatusCode(401);
            }

            var concurrent = inFlight.AddOrUpdate(id, 1, (_, n) => n + 1);
            lock (inFlight)
            {
                MostInFlightForOneId = Math.Max(MostInFlightForOneId, concurrent);
            }

            try
            {
                await Task.Delay(Latency);
                var status = Script.TryDequeue(out var scripted) ? scripted : 200;
                Requests.Enqueue((id, timestamp, status));
                if (status is >= 200 and < 300)
                {
                    Accepted.AddOrUpdate(id, 1, (_, n) => n + 1);
                    Bodies.Enqueue(JsonDocument.Parse(body).RootElement.Clone());
                }

                return Results.StatusCode(status);
            }
            finally
            {
                inFlight.AddOrUpdate(id, 0, (_, n) => n - 1);
            }
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
    public async Task RegisterCancelRunTheMonthSendTheEmails_TheReceiverGetsEachExpectedEventOnce()
    {
        var stores = await StoresAsync(NewPrefix());
        await using var api = await ApiTestServer.StartAsync(stores, new LocalDate(2026, 6, 15));
        await using var receiver = await Receiver.StartAsync(api.Clock.GetCurrentInstant);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("WH-1").Replace("ops@example.jp", "wh-1@example.jp", StringComparison.Ordinal))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/api/v1/contracts/WH-1/cancellation-requests", """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/api/v1/contracts/WH-1/usage", """{"month":"2026-06","awsUsageUsd":"1000.00","fxRate":"150.00"}""")).StatusCode);
        api.Today = new LocalDate(2026, 7, 1);
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/api/v1/billing-runs", """{"month":"2026-06"}""")).StatusCode);
        await api.Runs.WhenIdleAsync();
        var email = new OutboxDelivery(stores.Outbox, new FluidNoticeRenderer(), new SmtpEmailSender(new SmtpSettings("127.0.0.1", services.SmtpPort, "notices@cloudlifecycle.test")),
            stores.Documents, api.Clock, new DeliveryOptions(), webhooks: stores.Webhooks);
        Assert.Equal(4, (await email.DeliverAsync()).Sent);

        var deliverer = Deliverer(stores, receiver.Url, api.Clock, Secret);
        var first = await deliverer.DeliverAsync();
        var second = await deliverer.DeliverAsync();

        var notices = new List<OutboxItem>();
        await foreach (var notice in stores.Outbox.ListAsync())
        {
            notices.Add(notice);
        }

        string[] expected =
        [
            "contract/WH-1/event/registered",
            "contract/WH-1/event/cancellation/2026-06-10",
            "invoice/INV-WH-1-202606",
            .. notices.Select(n => $"notice/{n.Notice.Id}"),
        ];
        Assert.Equal(7, expected.Length);
        Assert.Equal(expected.Order(StringComparer.Ordinal), receiver.Accepted.Keys.Order(StringComparer.Ordinal));
        Assert.All(receiver.Accepted.Values, count => Assert.Equal(1, count));
        Assert.Equal((7, 0), (first.Delivered, second.Delivered + second.Retrying + second.Failed));
        Assert.Equal(0, receiver.Rejected);
        var invoice = receiver.Bodies.Single(b => b.GetProperty("type").GetString() == WebhookTypes.InvoiceIssued);
        Assert.Equal((await stores.Invoices.GetAsync("INV-WH-1-202606"))!.Total, invoice.GetProperty("data").GetProperty("total").GetInt64());
        Assert.All(await RowsAsync(stores), r => Assert.Equal((WebhookStatus.Delivered, 1, 200), (r.Status, r.Attempts, r.LastStatusCode)));
    }

    [Fact]
    public async Task ReceiverAnswers500Twice_DeliveredOnTheThirdAttempt_UnderTheSameWebhookId()
    {
        var stores = await StoresAsync(NewPrefix());
        await using var api = await ApiTestServer.StartAsync(stores, new LocalDate(2026, 6, 15));
        await using var receiver = await Receiver.StartAsync(api.Clock.GetCurrentInstant);
        await api.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("WH-2"));
        receiver.Script.Enqueue(500);
        receiver.Script.Enqueue(500);
        var deliverer = Deliverer(stores, receiver.Url, api.Clock, Secret);

        for (var pass = 0; pass < 3; pass++)
        {
            await deliverer.DeliverAsync();
            api.Clock.Advance(Duration.FromMinutes(2 << pass));
        }

        Assert.Equal([500, 500, 200], receiver.Requests.Select(r => r.Status));
        Assert.Single(receiver.Requests.Select(r => r.Id).Distinct());
        Assert.Equal(3, receiver.Requests.Select(r => r.Timestamp).Distinct().Count());
        var row = Assert.Single(await RowsAsync(stores));
        Assert.Equal((WebhookStatus.Delivered, 3, 200), (row.Status, row.Attempts, row.LastStatusCode));
    }

    [Fact]
    public async Task ReceiverDown_ThenUp_TheEventArrivesOnceAfterItComesBack()
    {
        var stores = await StoresAsync(NewPrefix());
        await using var api = await ApiTestServer.StartAsync(stores, new LocalDate(2026, 6, 15));
        await api.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("WH-3"));
        var port = FreePort();
        var deliverer = Deliverer(stores, new Uri($"http://127.0.0.1:{port}/hooks"), api.Clock, Secret);

        var whileDown = await deliverer.DeliverAsync();
        var pending = Assert.Single(await RowsAsync(stores));
        Assert.Equal((1, WebhookStatus.Pending, (int?)null), (whileDown.Retrying, pending.Status, pending.LastStatusCode));
        Assert.Contains("HttpRequestException", pending.LastError, StringComparison.Ordinal);

        await using var receiver = await Receiver.StartAsync(api.Clock.GetCurrentInstant, port);
        Assert.Equal(0, (await deliverer.DeliverAsync()).Delivered);
        api.Clock.Advance(Duration.FromMinutes(1));
        var afterUp = await deliverer.DeliverAsync();

        Assert.Equal(1, afterUp.Delivered);
        Assert.Equal(1, receiver.Accepted["contract/WH-3/event/registered"]);
        Assert.Equal(2, (await RowsAsync(stores)).Single().Attempts);
    }

    [Fact]
    public async Task TwoHostsDeliveringAtOnce_OnOneTable_NeverPostTheSameEventTwice()
    {
        var prefix = NewPrefix();
        var stores = await StoresAsync(prefix);
        await using var api = await ApiTestServer.StartAsync(stores, new LocalDate(2026, 6, 15));
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/v1/contracts", ApiTestServer.Smallest($"WH-4-{i}"))).StatusCode);
        }

        await using var receiver = await Receiver.StartAsync(api.Clock.GetCurrentInstant);
        receiver.Latency = TimeSpan.FromMilliseconds(40);
        // Two hosts: each its own connection to the same tables, its own HTTP client.
        var hostA = Deliverer(await StoresAsync(prefix), receiver.Url, api.Clock, Secret);
        var hostB = Deliverer(await StoresAsync(prefix), receiver.Url, api.Clock, Secret);

        var reports = await Task.WhenAll(Task.Run(() => hostA.DeliverAsync()), Task.Run(() => hostB.DeliverAsync()), Task.Run(() => hostA.DeliverAsync()), Task.Run(() => hostB.DeliverAsync()));

        Assert.Equal(12, receiver.Accepted.Count);
        Assert.All(receiver.Accepted.Values, count => Assert.Equal(1, count));
        Assert.Equal(1, receiver.MostInFlightForOneId);
        Assert.Equal(12, reports.Sum(r => r.Delivered));
        Assert.True(reports.Sum(r => r.ClaimedElsewhere) > 0, "the passes never met on a row: the test did not race them");
    }

    [Fact]
    public async Task SignedWithAnotherSecret_TheReceiverRejectsIt_AndTheEventStaysToRetry()
    {
        var stores = await StoresAsync(NewPrefix());
        await using var api = await ApiTestServer.StartAsync(stores, new LocalDate(2026, 6, 15));
        await using var receiver = await Receiver.StartAsync(api.Clock.GetCurrentInstant);
        await api.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("WH-5"));
        var wrong = "whsec_" + Convert.ToBase64String(Encoding.ASCII.GetBytes("not-the-receiver-secret-4567890"));

        var report = await Deliverer(stores, receiver.Url, api.Clock, wrong).DeliverAsync();

        Assert.Equal((0, 1, 1), (report.Delivered, report.Retrying, receiver.Rejected));
        Assert.Empty(receiver.Accepted);
        var row = Assert.Single(await RowsAsync(stores));
        Assert.Equal((WebhookStatus.Pending, 401), (row.Status, row.LastStatusCode));
    }
}
