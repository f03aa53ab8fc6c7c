using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using CloudLifecycle.Adapters.Email;
using CloudLifecycle.Adapters.Tables;
using CloudLifecycle.Adapters.Templates;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Tests.Api;
using NodaTime;

namespace CloudLifecycle.Integration.Tests;

/// <summary>The CRM API end to end on real storage (Azurite) and a real SMTP server (maildev).</summary>
[Collection(ServicesFixtureGroup.Name)]
public sealed class CrmApiAgainstAzuriteTests(TestServices services)
{
    private static string NewPrefix() => "api" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Register_Quote_Cancel_Usage_RunTheMonth_FetchInvoiceAndCalendar()
    {
        var prefix = NewPrefix();
        var stores = await AzureStorage.ConnectAsync(services.StorageConnectionString, prefix);
        await using var api = await ApiTestServer.StartAsync(stores, new LocalDate(2026, 6, 15));

        var registered = await api.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("AZ-1").Replace("ops@example.jp", "az-1@example.jp", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);

        var quote = (await ApiTestServer.JsonAsync(await api.GetAsync("/api/v1/contracts/AZ-1/quotes/cancellation?notice=2026-06-10&requested=2026-07-20"))).GetProperty("quote");
        Assert.Equal("2026-07-20", quote.GetProperty("effectiveDate").GetString());

        var cancelled = await api.PostAsync("/api/v1/contracts/AZ-1/cancellation-requests", """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20"}""", "cancel-AZ-1");
        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        // The retry is answered from the idempotency table, not decided again.
        var retried = await api.PostAsync("/api/v1/contracts/AZ-1/cancellation-requests", """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20"}""", "cancel-AZ-1");
        Assert.Equal(await cancelled.Content.ReadAsStringAsync(), await retried.Content.ReadAsStringAsync());

        // §13-1(1), §15: USD 1,000.00 at ¥150.00.
        var usage = await api.PostAsync("/api/v1/contracts/AZ-1/usage", """{"month":"2026-06","awsUsageUsd":"1000.00","fxRate":"150.00"}""");
        Assert.Equal(HttpStatusCode.Accepted, usage.StatusCode);

        api.Today = new LocalDate(2026, 7, 1);
        var run = await api.PostAsync("/api/v1/billing-runs", """{"month":"2026-06"}""");
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        await api.Runs.WhenIdleAsync();
        var progress = await ApiTestServer.JsonAsync(await api.GetAsync("/api/v1/billing-runs/2026-06"));
        Assert.Equal("completed", progress.GetProperty("state").GetString());
        Assert.Equal(1, progress.GetProperty("invoiced").GetInt32());

        var invoice = await ApiTestServer.JsonAsync(await api.GetAsync("/api/v1/invoices/INV-AZ-1-202606"));
        var html = await api.GetAsync("/api/v1/invoices/INV-AZ-1-202606?format=html");
        var calendar = await (await api.GetAsync("/api/v1/contracts/AZ-1/calendar.ics")).Content.ReadAsStringAsync();

        Assert.Equal("2026-06", invoice.GetProperty("month").GetString());
        Assert.True(invoice.GetProperty("total").GetInt64() > 150_000, invoice.ToString());
        Assert.Contains(invoice.GetProperty("lines").EnumerateArray(), l => l.GetProperty("clause").GetString()!.StartsWith("§13", StringComparison.Ordinal));
        Assert.Contains("INV-AZ-1-202606", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("DTSTART;VALUE=DATE:20260720", calendar, StringComparison.Ordinal);

        // What the API answered is what is stored: the Table row, the blob, and the emails once delivered.
        var stored = (await stores.Contracts.GetAsync("AZ-1"))!.State;
        Assert.Equal(new LocalDate(2026, 7, 20), stored.Dates.End);
        Assert.Contains(new YearMonth(2026, 6), stored.InvoicedMonths);
        Assert.NotNull(await stores.Documents.GetAsync("invoices/2026-06/INV-AZ-1-202606.html"));
        var idempotencyRows = new TableClient(services.StorageConnectionString, prefix + "Idempotency").QueryAsync<TableEntity>();
        var rows = 0;
        await foreach (var unused in idempotencyRows)
        {
            rows++;
        }

        Assert.True(rows >= 4, $"{rows} idempotency rows");
        var delivery = new OutboxDelivery(stores.Outbox, new FluidNoticeRenderer(), new SmtpEmailSender(new SmtpSettings("127.0.0.1", services.SmtpPort, "notices@cloudlifecycle.test")), stores.Documents, api.Clock, new DeliveryOptions());
        var delivered = await delivery.DeliverAsync();
        var mails = (await services.EmailsAsync()).Where(m => m.GetProperty("to")[0].GetProperty("address").GetString() == "az-1@example.jp").ToList();
        // Registered, cancellation received (effective 07-20), June's invoice, and §27-3's reminder that the data goes with the end.
        var subjects = mails.Select(m => m.GetProperty("subject").GetString()!).ToList();
        Assert.Equal(4, delivered.Sent);
        Assert.Equal(4, subjects.Count);
        Assert.Contains(subjects, s => s.Contains("AZ-1 を登録しました", StringComparison.Ordinal));
        Assert.Contains(subjects, s => s.Contains("解約日 2026-07-20", StringComparison.Ordinal));
        Assert.Contains(subjects, s => s.Contains("INV-AZ-1-202606", StringComparison.Ordinal));
        Assert.Contains(subjects, s => s.Contains("§27-3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoHostsOnOneContract_NeverLoseAnUpdate()
    {
        // Two API instances over the same tables: in-process locks cannot help, only the ETags can.
        var prefix = NewPrefix();
        await using var first = await ApiTestServer.StartAsync(await AzureStorage.ConnectAsync(services.StorageConnectionString, prefix), new LocalDate(2026, 6, 15));
        await using var second = await ApiTestServer.StartAsync(await AzureStorage.ConnectAsync(services.StorageConnectionString, prefix), new LocalDate(2026, 6, 15));
        Assert.Equal(HttpStatusCode.Created, (await first.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("AZ-2", startDate: "2025-03-25"))).StatusCode);

        var months = Enumerable.Range(0, 12).Select(i => new YearMonth(2025, 4).PlusMonths(i)).ToList();
        var responses = await Task.WhenAll(months.Select((m, i) => (i % 2 == 0 ? first : second).PostAsync("/api/v1/contracts/AZ-2/usage", $$"""{"month":"{{m:uuuu-MM}}","awsUsageUsd":10,"fxRate":150}""")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var contract = await ApiTestServer.JsonAsync(await second.GetAsync("/api/v1/contracts/AZ-2"));
        Assert.Equal(1 + months.Count, contract.GetProperty("version").GetInt64());
        var state = (await first.Stores.Contracts.GetAsync("AZ-2"))!.State;
        Assert.Equal(months, state.Usage.Select(u => u.Month).Order().ToList());
        var history = contract.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("kind").GetString() == "usageRecorded");
        Assert.Equal(months.Count, history);
    }

    [Theory]
    [InlineData("GET", "/api/v1/contracts/AZ-3%2Fx")]
    [InlineData("GET", "/api/v1/contracts/AZ-3%252Fx")]
    [InlineData("GET", "/api/v1/contracts/a%2Fb/invoices")]
    [InlineData("GET", "/api/v1/contracts/a%23b/timeline")]
    [InlineData("GET", "/api/v1/invoices/INV-a%2Fb-202606")]
    [InlineData("POST", "/api/v1/contracts/AZ-3%2Fx/usage")]
    [InlineData("POST", "/api/v1/contracts/AZ-3%252Fx/cancellation-requests")]
    public async Task AnIdWithASlash_IsA4xxProblem_NeverReachingATableKey(string method, string path)
    {
        // Issue 13 §8: a '/' in an id (sent as %2F, or %252F decoded twice) made Table Storage refuse the key: a 500.
        var stores = await AzureStorage.ConnectAsync(services.StorageConnectionString, NewPrefix());
        await using var api = await ApiTestServer.StartAsync(stores, new LocalDate(2026, 6, 15));
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("AZ-3"))).StatusCode);

        var response = method == "GET"
            ? await api.GetAsync(path)
            : await api.PostAsync(path, """{"month":"2026-05","awsUsageUsd":1,"fxRate":150}""");

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", ApiTestServer.ContentType(response)!.MediaType);
    }

    [Fact]
    public async Task ALargeFirstResponse_IsKeptWhole_InTheIdempotencyTable()
    {
        // A table string property holds 64 KiB; a stored response is split into parts and joined again.
        var stores = await AzureStorage.ConnectAsync(services.StorageConnectionString, NewPrefix());
        var large = string.Concat(Enumerable.Range(0, 8_000).Select(i => $"行{i:00000}§27-1;"));
        var kept = await stores.Idempotency.PutIfAbsentAsync("api/large", large);
        var second = await stores.Idempotency.PutIfAbsentAsync("api/large", "another result");

        Assert.True(large.Length > 2 * TableIdempotencyStore.PartChars, $"{large.Length} characters");
        Assert.Equal(large, kept);
        Assert.Equal(large, second);
        Assert.Equal(large, await stores.Idempotency.GetAsync("api/large"));
    }
}
