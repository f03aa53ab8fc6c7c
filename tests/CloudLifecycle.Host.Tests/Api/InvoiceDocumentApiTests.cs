using System.Net;
using CloudLifecycle.Api;
using CloudLifecycle.Core.Application.InMemory;
using NodaTime;
using UglyToad.PdfPig;

namespace CloudLifecycle.Tests.Api;

/// <summary>Issue 15 point 1: <c>GET /api/v1/invoices/{number}</c> answers the invoice's PDF for <c>Accept: application/pdf</c> and <c>?format=pdf</c>.</summary>
public sealed class InvoiceDocumentApiTests : IAsyncLifetime
{
    private ApiTestServer server = null!;

    public async Task InitializeAsync() => server = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 10));

    public async Task DisposeAsync() => await server.DisposeAsync();

    private static async Task<long> InvoicedAsync(ApiTestServer on, string id)
    {
        Assert.Equal(HttpStatusCode.Created, (await on.PostAsync("/api/v1/contracts", ApiTestServer.Smallest(id))).StatusCode);
        await on.PostAsync($"/api/v1/contracts/{id}/usage", """{"month":"2026-05","awsUsageUsd":"1000","fxRate":"150"}""");
        Assert.Equal(HttpStatusCode.Accepted, (await on.PostAsync("/api/v1/billing-runs", """{"month":"2026-05"}""")).StatusCode);
        await on.Runs.WhenIdleAsync();
        return (await ApiTestServer.JsonAsync(await on.GetAsync($"/api/v1/invoices/INV-{id}-202605"))).GetProperty("total").GetInt64();
    }

    [Fact]
    public async Task Invoice_IsAnsweredAsPdf_ByAcceptAndByFormat_WithTheSameBytes()
    {
        var total = await InvoicedAsync(server, "PDF-1");

        var byAccept = await server.GetAsync("/api/v1/invoices/INV-PDF-1-202605", r => r.Headers.Accept.ParseAdd("application/pdf"));
        var byFormat = await server.GetAsync("/api/v1/invoices/INV-PDF-1-202605?format=pdf");

        Assert.Equal(HttpStatusCode.OK, byAccept.StatusCode);
        Assert.Equal("application/pdf", ApiTestServer.ContentType(byAccept)!.MediaType);
        Assert.Equal("INV-PDF-1-202605.pdf", byAccept.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var bytes = await byAccept.Content.ReadAsByteArrayAsync();
        Assert.Equal(bytes, await byFormat.Content.ReadAsByteArrayAsync());
        using var pdf = PdfDocument.Open(bytes);
        var text = string.Concat(pdf.GetPages().SelectMany(p => p.Text).Where(c => !char.IsWhiteSpace(c)));
        Assert.Contains("INV-PDF-1-202605", text, StringComparison.Ordinal);
        Assert.Contains($"¥{total:N0}", text, StringComparison.Ordinal);
        Assert.Contains(ApiTestServer.Issuer.RegistrationNumber, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoice_IsAnsweredAsJpPintUbl_ByAcceptAndByFormat_WithTheCustomersAddress()
    {
        var total = await InvoicedAsync(server, "UBL-1");

        var byAccept = await server.GetAsync("/api/v1/invoices/INV-UBL-1-202605", r => r.Headers.Accept.ParseAdd("application/xml"));
        var byFormat = await server.GetAsync("/api/v1/invoices/INV-UBL-1-202605?format=ubl");

        Assert.Equal(HttpStatusCode.OK, byAccept.StatusCode);
        Assert.Equal("application/xml", ApiTestServer.ContentType(byAccept)!.MediaType);
        var xml = await byAccept.Content.ReadAsStringAsync();
        Assert.Equal(xml, await byFormat.Content.ReadAsStringAsync());
        var root = System.Xml.Linq.XDocument.Parse(xml).Root!;
        var cbc = Core.Billing.Rendering.InvoiceUbl.Cbc;
        Assert.Equal("urn:peppol:pint:billing-1@jp-1", root.Element(cbc + "CustomizationID")!.Value);
        Assert.Contains(root.Descendants(cbc + "EndpointID"), e => e.Value == "ops@example.jp" && e.Attribute("schemeID")!.Value == "EM");
        Assert.Contains(root.Descendants(cbc + "PayableAmount"), e => e.Value == total.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task UnknownFormat_Is400NamingFormat_AndAHostWithoutARenderer_Answers406()
    {
        await InvoicedAsync(server, "PDF-2");
        var unknown = await server.GetAsync("/api/v1/invoices/INV-PDF-2-202605?format=docx");
        await using var noPdf = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 10), configure: o => o with { InvoicePdf = null });
        await InvoicedAsync(noPdf, "PDF-3");
        var refused = await noPdf.GetAsync("/api/v1/invoices/INV-PDF-3-202605", r => r.Headers.Accept.ParseAdd("application/pdf"));

        Assert.Equal((HttpStatusCode.BadRequest, "format"), (unknown.StatusCode, (await ApiTestServer.JsonAsync(unknown)).GetProperty("field").GetString()));
        Assert.Equal((HttpStatusCode.NotAcceptable, "Accept"), (refused.StatusCode, (await ApiTestServer.JsonAsync(refused)).GetProperty("field").GetString()));
    }

    [Fact]
    public async Task OpenApi_DocumentsThePdfBesideTheJson()
    {
        var document = await ApiTestServer.JsonAsync(await server.GetAsync(CrmApiOptions.OpenApiPath));
        var content = document.GetProperty("paths").GetProperty("/api/v1/invoices/{number}").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");

        Assert.Equal("binary", content.GetProperty("application/pdf").GetProperty("schema").GetProperty("format").GetString());
        Assert.True(content.TryGetProperty("application/json", out _));
    }
}
