using System.Net;
using CloudLifecycle.Core.Application.InMemory;
using NodaTime;

namespace CloudLifecycle.Tests.Api;

/// <summary>
/// A CRM records the provider's notices through <c>POST /contracts/{id}/provider-notices</c> with the date
/// the notice states (issue 12, defects 1–3), and reads the documents they lead to by their numbers.
/// </summary>
public sealed class ProviderNoticeApiTests : IAsyncLifetime
{
    private ApiTestServer server = null!;

    public async Task InitializeAsync() => server = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 11, 20));

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task OptageTermination_AnswersThePayout_AndItsCreditDocumentIsReadableByNumber()
    {
        Assert.Equal(HttpStatusCode.Created, (await server.PostAsync("/api/v1/contracts",
            """{"contractId":"PN-S","product":"optage-storage","startDate":"2026-05-01","plan":"standard","components":6,"customer":{"name":"Osaka Storage Ltd.","email":"a@osaka.example","language":"en"}}""")).StatusCode);

        var noticed = await server.PostAsync("/api/v1/contracts/PN-S/provider-notices", """{"rule":"provider-termination","noticeDate":"2026-11-02","statedDate":"2026-12-31"}""");
        var consequence = (await ApiTestServer.JsonAsync(noticed)).GetProperty("consequence");
        var number = consequence.GetProperty("invoiceNumber").GetString()!;
        var document = await server.GetAsync("/api/v1/invoices/" + number);
        var html = await server.GetAsync("/api/v1/invoices/" + number + "?format=html");

        Assert.Equal(HttpStatusCode.Accepted, noticed.StatusCode);
        Assert.Equal(("§29-3", "2026-12-31", "INV-PN-S-202611-C1"), (consequence.GetProperty("clause").GetString(), consequence.GetProperty("effectiveDate").GetString(), number));
        Assert.True(consequence.GetProperty("amount").GetInt64() < 0);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Equal(consequence.GetProperty("amount").GetInt64(), (await ApiTestServer.JsonAsync(document)).GetProperty("total").GetInt64());
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
    }

    [Fact]
    public async Task Discontinuation_TooEarlyOrWithoutItsDate_Is422NamingStatedDateAndTheClause()
    {
        await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("PN-E"));

        foreach (var body in new[] { """{"rule":"discontinuation","noticeDate":"2026-11-14","statedDate":"2026-12-08"}""", """{"rule":"discontinuation","noticeDate":"2026-11-14"}""" })
        {
            var refused = await server.PostAsync("/api/v1/contracts/PN-E/provider-notices", body);
            var problem = await ApiTestServer.JsonAsync(refused);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Equal(("statedDate", "§30-2"), (problem.GetProperty("field").GetString(), problem.GetProperty("clause").GetString()));
        }

        var accepted = await server.PostAsync("/api/v1/contracts/PN-E/provider-notices", """{"rule":"discontinuation","noticeDate":"2026-11-14","statedDate":"2026-12-09"}""");
        Assert.Equal("2026-12-09", (await ApiTestServer.JsonAsync(accepted)).GetProperty("consequence").GetProperty("effectiveDate").GetString());
    }
}
