using System.Net;
using CloudLifecycle.Core.Application.InMemory;
using NodaTime;
using UglyToad.PdfPig;

namespace CloudLifecycle.Tests.Api;

/// <summary>
/// Issue 15 point 4: <c>POST /api/v1/invoices/{number}/corrections</c> issues a credit note (適格返還請求書) or a corrected
/// invoice (修正した適格請求書) with its own number and PDF; the original is unchanged; a retry under the same
/// Idempotency-Key answers the same document; a missing original is a 404 and over-crediting a 422 naming the line.
/// </summary>
public sealed class CorrectionApiTests : IAsyncLifetime
{
    private ApiTestServer server = null!;

    public async Task InitializeAsync() => server = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 10));

    public async Task DisposeAsync() => await server.DisposeAsync();

    private async Task<System.Text.Json.JsonElement> InvoicedAsync(string id)
    {
        Assert.Equal(HttpStatusCode.Created, (await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest(id))).StatusCode);
        await server.PostAsync($"/api/v1/contracts/{id}/usage", """{"month":"2026-05","awsUsageUsd":"1000","fxRate":"150"}""");
        Assert.Equal(HttpStatusCode.Accepted, (await server.PostAsync("/api/v1/billing-runs", """{"month":"2026-05"}""")).StatusCode);
        await server.Runs.WhenIdleAsync();
        return await ApiTestServer.JsonAsync(await server.GetAsync($"/api/v1/invoices/INV-{id}-202605"));
    }

    [Fact]
    public async Task CreditNote_IsIssuedWithItsOwnNumberAndPdf_TheOriginalUnchanged_AndARetryGivesTheSameDocument()
    {
        var original = await InvoicedAsync("COR-1");
        var firstLine = original.GetProperty("lines")[0].GetProperty("amount").GetInt64();
        var body = $$"""{"kind":"creditNote","reason":"為替レートの誤り","lines":[{"line":1,"amount":{{firstLine - 10_000}}}]}""";

        var posted = await server.PostAsync("/api/v1/invoices/INV-COR-1-202605/corrections", body, idempotencyKey: "fix-1");
        var retried = await server.PostAsync("/api/v1/invoices/INV-COR-1-202605/corrections", body, idempotencyKey: "fix-1");

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var number = (await ApiTestServer.JsonAsync(posted)).GetProperty("consequence").GetProperty("invoiceNumber").GetString();
        Assert.Equal("INV-COR-1-202606-R1", number);
        Assert.Equal(number, (await ApiTestServer.JsonAsync(retried)).GetProperty("consequence").GetProperty("invoiceNumber").GetString());
        var after = await ApiTestServer.JsonAsync(await server.GetAsync("/api/v1/invoices/INV-COR-1-202605"));
        Assert.Equal(original.GetProperty("total").GetInt64(), after.GetProperty("total").GetInt64());
        var invoices = await ApiTestServer.JsonAsync(await server.GetAsync("/api/v1/contracts/COR-1/invoices"));
        Assert.Equal(2, invoices.GetProperty("invoices").GetArrayLength()); // the original and one credit note, not two

        var pdf = await server.GetAsync($"/api/v1/invoices/{number}?format=pdf");
        using var document = PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync());
        var text = string.Concat(document.GetPages().SelectMany(p => p.Text).Where(c => !char.IsWhiteSpace(c)));
        Assert.Contains("適格返還請求書", text, StringComparison.Ordinal);
        Assert.Contains("INV-COR-1-202605", text, StringComparison.Ordinal); // the invoice returned against
        Assert.Contains("返還等を行う年月日2026-06-10", text, StringComparison.Ordinal);
        Assert.Contains("返還等の対象となった取引（月分）2026-05", text, StringComparison.Ordinal);
        Assert.Contains("¥11,000", text, StringComparison.Ordinal); // returned, tax included
        Assert.Contains("消費税¥1,000", text, StringComparison.Ordinal); // the tax returned at 10%
        Assert.Contains(ApiTestServer.Issuer.RegistrationNumber, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingOriginal_Is404_AndOverCrediting_Is422NamingTheLine()
    {
        var original = await InvoicedAsync("COR-2");
        var firstLine = original.GetProperty("lines")[0].GetProperty("amount").GetInt64();

        var missing = await server.PostAsync("/api/v1/invoices/INV-COR-2-202604/corrections", """{"kind":"creditNote","reason":"x","cancelInFull":true}""");
        var over = await server.PostAsync("/api/v1/invoices/INV-COR-2-202605/corrections", """{"kind":"creditNote","reason":"x","lines":[{"line":1,"amount":-1}]}""");
        var raise = await server.PostAsync("/api/v1/invoices/INV-COR-2-202605/corrections", $$"""{"kind":"creditNote","reason":"x","lines":[{"line":1,"amount":{{firstLine + 1}}}]}""");

        Assert.Equal((HttpStatusCode.NotFound, "number"), (missing.StatusCode, (await ApiTestServer.JsonAsync(missing)).GetProperty("field").GetString()));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "lines[0].amount"), (over.StatusCode, (await ApiTestServer.JsonAsync(over)).GetProperty("field").GetString()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, raise.StatusCode);
    }

    [Fact]
    public async Task CorrectedInvoice_ReplacesTheOriginal_AsWhatIsOwed()
    {
        var original = await InvoicedAsync("COR-3");
        var firstLine = original.GetProperty("lines")[0].GetProperty("amount").GetInt64();

        var posted = await server.PostAsync("/api/v1/invoices/INV-COR-3-202605/corrections", $$"""{"kind":"correctedInvoice","reason":"単価の誤り","lines":[{"line":1,"amount":{{firstLine + 1_000}}}]}""");

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var invoices = (await ApiTestServer.JsonAsync(await server.GetAsync("/api/v1/contracts/COR-3/invoices"))).GetProperty("invoices").EnumerateArray().ToList();
        var corrected = Assert.Single(invoices, i => i.GetProperty("number").GetString() == "INV-COR-3-202606-M1");
        Assert.Equal(corrected.GetProperty("total").GetInt64(), corrected.GetProperty("outstanding").GetInt64());
        Assert.Equal(0, Assert.Single(invoices, i => i.GetProperty("number").GetString() == "INV-COR-3-202605").GetProperty("outstanding").GetInt64());
    }
}
