using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CloudLifecycle.Adapters.Email;
using CloudLifecycle.Adapters.Pdf;
using CloudLifecycle.Adapters.Tables;
using CloudLifecycle.Adapters.Templates;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Tests.Api;
using NodaTime;
using UglyToad.PdfPig;

namespace CloudLifecycle.Integration.Tests;

/// <summary>
/// Issue 15 point 2, end to end: for each product, a registered contract's invoice arrives in maildev (a real SMTP
/// server) with its PDF and its JP PINT e-invoice attached (application/pdf, named by the invoice number, text with the total and the T-number)
/// and a signed link, built from PublicBaseUrl, that opens the same PDF without an API key and refuses a forged one.
/// </summary>
[Collection(ServicesFixtureGroup.Name)]
public sealed partial class InvoiceEmailAgainstMaildevTests(TestServices services)
{
    private static readonly Uri PublicBase = new("https://crm-api.example.jp");

    public static TheoryData<string, string, string> Products() => new()
    {
        { "eclect-aws", """{"startDate":"2026-04-01"}""", """{"month":"2026-05","awsUsageUsd":"1000","fxRate":"150"}""" },
        { "nec-express5800", """{"startDate":"2026-04-01","endDate":"2028-03-31","baseFee":120000,"unitPrice":3000}""", """{"month":"2026-05","quantity":12}""" },
        { "ntt-east-aws-ops", """{"startDate":"2026-04-01","plan":"standard","components":4}""", string.Empty },
        { "optage-neutrix", """{"startDate":"2026-04-01","plan":"standard","components":2}""", """{"month":"2026-05","resourceFee":50000}""" },
        { "optage-storage", """{"startDate":"2026-04-01","plan":"standard","components":6}""", string.Empty },
    };

    [Theory]
    [MemberData(nameof(Products))]
    public async Task InvoiceMail_ArrivesWithItsPdfAttached_AndASignedLinkThatOpensIt(string product, string terms, string usage)
    {
        var id = "M-" + Guid.NewGuid().ToString("N")[..8];
        var email = $"{id.ToLowerInvariant()}@example.jp";
        var stores = await AzureStorage.ConnectAsync(services.StorageConnectionString, "mail" + Guid.NewGuid().ToString("N")[..10]);
        await using var api = await ApiTestServer.StartAsync(stores, new LocalDate(2026, 6, 10), configure: o => o with { PublicBaseUrl = PublicBase });
        var registration = terms.TrimEnd('}') + $$$""","contractId":"{{{id}}}","product":"{{{product}}}","customer":{"name":"株式会社サンプル","email":"{{{email}}}","language":"ja"}}""";
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/v1/contracts", registration)).StatusCode);
        if (usage.Length > 0)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync($"/api/v1/contracts/{id}/usage", usage)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/api/v1/billing-runs", """{"month":"2026-05"}""")).StatusCode);
        await api.Runs.WhenIdleAsync();
        var number = $"INV-{id}-202605";
        var total = (await ApiTestServer.JsonAsync(await api.GetAsync($"/api/v1/invoices/{number}"))).GetProperty("total").GetInt64();

        // The hosts' delivery (LifecycleServices): the links are keyed as the API checks them (the first API key, no feed secret here).
        var links = DocumentLinks.From(null, [ApiTestServer.Key, ApiTestServer.SecondKey], PublicBase, "/api/v1");
        var delivery = new OutboxDelivery(stores.Outbox, new FluidNoticeRenderer(), new SmtpEmailSender(new SmtpSettings("127.0.0.1", services.SmtpPort, "notices@cloudlifecycle.test")),
            stores.Documents, api.Clock, new DeliveryOptions(), new InvoiceMail(stores.Invoices, new PdfSharpInvoiceRenderer(), links));
        await delivery.DeliverAsync();

        var mail = (await services.EmailsAsync()).Single(m => m.GetProperty("to")[0].GetProperty("address").GetString() == email && m.GetProperty("subject").GetString()!.Contains(number, StringComparison.Ordinal));
        Assert.Equal(ApiTestServer.Issuer.Name, mail.GetProperty("from")[0].GetProperty("name").GetString()); // the issuer's company name (point 7)
        var attachments = mail.GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal(2, attachments.Count);
        var attachment = attachments.Single(a => a.GetProperty("contentType").GetString() == "application/pdf");
        var eInvoice = attachments.Single(a => a.GetProperty("contentType").GetString() == "application/xml");
        Assert.Equal($"{number}.xml", eInvoice.GetProperty("filename").GetString());
        var xml = await services.MailApi.GetStringAsync($"api/email/{mail.GetProperty("id").GetString()}/attachment/{eInvoice.GetProperty("generatedFileName").GetString()}");
        Assert.Contains("<cbc:CustomizationID>urn:peppol:pint:billing-1@jp-1</cbc:CustomizationID>", xml, StringComparison.Ordinal);
        Assert.Contains($"<cbc:PayableAmount currencyID=\"JPY\">{total}</cbc:PayableAmount>", xml, StringComparison.Ordinal);
        Assert.Equal("application/pdf", attachment.GetProperty("contentType").GetString());
        Assert.Equal($"{number}.pdf", attachment.GetProperty("filename").GetString());
        var pdf = await services.MailApi.GetByteArrayAsync($"api/email/{mail.GetProperty("id").GetString()}/attachment/{attachment.GetProperty("generatedFileName").GetString()}");
        using (var document = PdfDocument.Open(pdf))
        {
            var text = string.Concat(document.GetPages().SelectMany(p => p.Text).Where(c => !char.IsWhiteSpace(c)));
            Assert.Contains($"¥{total:N0}", text, StringComparison.Ordinal);
            Assert.Contains(ApiTestServer.Issuer.RegistrationNumber, text, StringComparison.Ordinal);
            Assert.Contains(number, text, StringComparison.Ordinal);
        }

        var link = Link().Match(mail.GetProperty("text").GetString()!);
        Assert.True(link.Success, mail.GetProperty("text").GetString());
        Assert.StartsWith($"{PublicBase.AbsoluteUri}api/v1/invoices/{number}?format=pdf&expires=", link.Value, StringComparison.Ordinal);
        var path = new Uri(link.Value).PathAndQuery;
        var opened = await api.Server.CreateRequest(path).GetAsync(); // no X-Api-Key
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal(pdf, await opened.Content.ReadAsByteArrayAsync());
        var forged = await api.Server.CreateRequest(path.Replace(number, $"INV-{id}-202604", StringComparison.Ordinal)).GetAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        api.Today = new LocalDate(2026, 9, 20); // 90 days after 06-10 have passed
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Server.CreateRequest(path).GetAsync()).StatusCode);
    }

    [GeneratedRegex(@"https://crm-api\.example\.jp/api/v1/invoices/\S+?&sig=[A-Za-z0-9_\-]+")]
    private static partial Regex Link();
}
