using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudLifecycle.Adapters.Templates;
using CloudLifecycle.Api;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using NodaTime;

namespace CloudLifecycle.Tests.Api;

/// <summary>
/// Issue 16: the document's <c>webhooks</c> describe what is sent. Payloads of every type, written by a contract's real
/// life through the API (registration, usage, a month's invoice, a credit note, a cancellation, the emails sent), are
/// valid against their schema (JsonSchema.Net), and every member they carry is documented.
/// </summary>
public sealed class OpenApiWebhooksTests
{
    private sealed class AcceptingServer : IEmailSender
    {
        public Task<string> SendAsync(EmailMessage message, CancellationToken cancellationToken = default) => Task.FromResult("250 OK");
    }

    private static async Task<(List<WebhookItem> Rows, JsonNode Document)> LifeOfAContractAsync(Func<ApiTestServer, JsonNode, Task>? then = null)
    {
        var stores = InMemoryStores.WithWebhooks();
        await using var server = await ApiTestServer.StartAsync(stores, new LocalDate(2026, 6, 10));
        Assert.Equal(HttpStatusCode.Created, (await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("HOOK-1"))).StatusCode);
        await server.PostAsync("/api/v1/contracts/HOOK-1/usage", """{"month":"2026-05","awsUsageUsd":"1000","fxRate":"150"}""");
        Assert.Equal(HttpStatusCode.Accepted, (await server.PostAsync("/api/v1/billing-runs", """{"month":"2026-05"}""")).StatusCode);
        await server.Runs.WhenIdleAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await server.PostAsync("/api/v1/invoices/INV-HOOK-1-202605/corrections", """{"kind":"creditNote","reason":"為替レートの誤り","cancelInFull":true}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await server.PostAsync("/api/v1/contracts/HOOK-1/cancellation-requests", """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20"}""")).StatusCode);
        await new OutboxDelivery(stores.Outbox, new FluidNoticeRenderer(), new AcceptingServer(), stores.Documents, server.Clock, new DeliveryOptions(), webhooks: stores.Webhooks).DeliverAsync();
        var rows = new List<WebhookItem>();
        await foreach (var row in stores.Webhooks!.ListAsync())
        {
            rows.Add(row);
        }

        var document = JsonNode.Parse(await server.Client.GetStringAsync(CrmApiOptions.OpenApiPath))!;
        if (then is not null)
        {
            await then(server, document);
        }

        return (rows, document);
    }

    [Fact]
    public async Task TheDeliveriesList_ShowsEveryRecordedWebhook_FilteredByStatus_AsTheDocumentSays()
    {
        var (rows, _) = await LifeOfAContractAsync(async (server, document) =>
        {
            var contract = new ApiContract(document);
            var all = await server.GetAsync("/api/v1/webhooks/deliveries");
            var pending = await server.GetAsync("/api/v1/webhooks/deliveries?status=pending&limit=2");
            await Check(contract, all, pending, server.Stores);
        });
        Assert.NotEmpty(rows);
    }

    private static async Task Check(ApiContract contract, HttpResponseMessage all, HttpResponseMessage pending, LifecycleStores stores)
    {
        var rows = new List<WebhookItem>();
        await foreach (var row in stores.Webhooks!.ListAsync())
        {
            rows.Add(row);
        }

        Assert.Empty(await contract.ViolationsAsync("listWebhookDeliveries", all));
        Assert.Empty(await contract.ViolationsAsync("listWebhookDeliveries", pending));
        var listed = await ApiTestServer.JsonAsync(all);
        Assert.True(listed.GetProperty("configured").GetBoolean());
        Assert.Equal(rows.Select(r => r.Event.Id), listed.GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        var two = await ApiTestServer.JsonAsync(pending);
        Assert.Equal((2, true), (two.GetProperty("count").GetInt32(), two.GetProperty("more").GetBoolean()));
        Assert.All(two.GetProperty("deliveries").EnumerateArray(), d => Assert.Equal("pending", d.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task EveryPayloadOfAContractsLife_IsValidAgainstItsWebhookSchema()
    {
        var (rows, document) = await LifeOfAContractAsync();
        var contract = new ApiContract(document);

        Assert.Equal(WebhookTypes.All.Order(StringComparer.Ordinal), rows.Select(r => r.Event.Type).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(rows, r => r.Event.Type == WebhookTypes.InvoiceIssued && r.Event.Body.Contains("\"kind\":\"creditNote\"", StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Empty(contract.WebhookViolations(r.Event.Type, r.Event.Body)));
    }

    [Fact]
    public async Task EveryMemberAPayloadCarries_IsDocumented()
    {
        var (rows, document) = await LifeOfAContractAsync();
        var schemas = document["components"]!["schemas"]!;

        foreach (var row in rows)
        {
            var schema = schemas[OpenApiWebhooks.SchemaNames[row.Event.Type]]!;
            using var body = JsonDocument.Parse(row.Event.Body);
            var undocumented = body.RootElement.EnumerateObject().Select(p => p.Name).Where(n => schema["properties"]![n] is null)
                .Concat(body.RootElement.GetProperty("data").EnumerateObject().Select(p => p.Name).Where(n => schema["properties"]!["data"]!["properties"]![n] is null).Select(n => "data." + n))
                .ToList();
            Assert.True(undocumented.Count == 0, $"{row.Event.Id}: {string.Join(", ", undocumented)} not in the document");
        }
    }

    [Fact]
    public async Task TheSchemaValidator_RefusesAPayloadThatBreaksTheDocument()
    {
        await using var server = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 10));
        var contract = new ApiContract(JsonNode.Parse(await server.Client.GetStringAsync(CrmApiOptions.OpenApiPath))!);

        Assert.NotEmpty(contract.WebhookViolations(WebhookTypes.InvoiceIssued,
            """{"id":"invoice/X","type":"invoice.issued","occurredAt":"2026-06-01","contractId":"C","data":{"number":"X","kind":"monthly","month":"2026-05","issueDate":"2026-06-01","dueDate":"2026-06-30","subtotal":"1000","tax":100,"total":1100}}"""));
        Assert.NotEmpty(contract.WebhookViolations(WebhookTypes.NoticeSent, """{"id":"notice/x","type":"invoice.issued","occurredAt":"2026-06-01","contractId":"C","data":{}}"""));
    }
}
