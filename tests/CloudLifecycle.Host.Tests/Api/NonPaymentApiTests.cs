using System.Net;
using System.Text.Json;
using CloudLifecycle.Core.Application.InMemory;
using NodaTime;

namespace CloudLifecycle.Tests.Api;

/// <summary>
/// A CRM records a suspension for non-payment and the payment that lifts it through
/// <c>POST /contracts/{id}/provider-notices</c> and <c>/payments</c> (eclect-aws §21-1(1)).
/// </summary>
public sealed class NonPaymentApiTests : IAsyncLifetime
{
    private ApiTestServer server = null!;

    public async Task InitializeAsync() => server = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 15));

    public async Task DisposeAsync() => await server.DisposeAsync();

    /// <summary>eclect-aws with April 2026 invoiced: due 2026-06-30 (§16-2).</summary>
    private async Task<JsonElement> InvoicedAsync(string id)
    {
        Assert.Equal(HttpStatusCode.Created, (await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest(id))).StatusCode);
        await server.PostAsync($"/api/v1/contracts/{id}/usage", """{"month":"2026-04","awsUsageUsd":"1000","fxRate":"150"}""");
        await server.PostAsync("/api/v1/billing-runs", """{"month":"2026-04"}""");
        await server.Runs.WhenIdleAsync();
        var invoice = (await ApiTestServer.JsonAsync(await server.GetAsync($"/api/v1/contracts/{id}/invoices"))).GetProperty("invoices").EnumerateArray().Single();
        Assert.Equal("2026-06-30", invoice.GetProperty("dueDate").GetString());
        return invoice;
    }

    private async Task<JsonElement> ContractAsync(string id) => await ApiTestServer.JsonAsync(await server.GetAsync($"/api/v1/contracts/{id}"));

    [Fact]
    public async Task SuspensionBeforeTheDueDateHasPassed_Is422NamingTheClause_AndChangesNothing()
    {
        await InvoicedAsync("NP-1");
        server.Today = new LocalDate(2026, 6, 30);
        var version = (await ContractAsync("NP-1")).GetProperty("version").GetInt64();

        var response = await server.PostAsync("/api/v1/contracts/NP-1/provider-notices", """{"rule":"nonpayment-suspension","noticeDate":"2026-06-30"}""");
        var problem = await ApiTestServer.JsonAsync(response);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(("noticeDate", "§21-1(1)"), (problem.GetProperty("field").GetString(), problem.GetProperty("clause").GetString()));
        Assert.Equal(version, (await ContractAsync("NP-1")).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Suspension_ThenPayment_SuspendsAndResumes_WithTheClauseInTheAnswersAndTheHistory()
    {
        var invoice = await InvoicedAsync("NP-2");
        server.Today = new LocalDate(2026, 7, 1);

        var suspended = await server.PostAsync("/api/v1/contracts/NP-2/provider-notices", """{"rule":"nonpayment-suspension","noticeDate":"2026-07-01"}""");
        var accepted = await ApiTestServer.JsonAsync(suspended);
        var listed = await ApiTestServer.JsonAsync(await server.GetAsync("/api/v1/contracts?state=suspended"));
        var planChange = await server.PostAsync("/api/v1/contracts/NP-2/plan-changes", """{"effectiveFrom":"2026-08-01","plan":"entry","components":1}""");

        Assert.Equal(HttpStatusCode.Accepted, suspended.StatusCode);
        Assert.Equal("suspended", accepted.GetProperty("status").GetString());
        Assert.Equal(("2026-07-01", "§21-1(1)"), (accepted.GetProperty("consequence").GetProperty("effectiveDate").GetString(), accepted.GetProperty("consequence").GetProperty("clause").GetString()));
        Assert.Equal(["NP-2"], listed.GetProperty("contracts").EnumerateArray().Select(c => c.GetProperty("contractId").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, planChange.StatusCode);
        Assert.Equal("§21-1(1)", (await ApiTestServer.JsonAsync(planChange)).GetProperty("clause").GetString());

        server.Today = new LocalDate(2026, 7, 3);
        var paid = await server.PostAsync("/api/v1/contracts/NP-2/payments",
            $$"""{"invoiceNumber":"{{invoice.GetProperty("number").GetString()}}","paidOn":"2026-07-03","amount":{{invoice.GetProperty("outstanding").GetInt64()}}}""");
        var contract = await ContractAsync("NP-2");

        Assert.Equal(HttpStatusCode.Accepted, paid.StatusCode);
        Assert.Equal("active", (await ApiTestServer.JsonAsync(paid)).GetProperty("status").GetString());
        var history = contract.GetProperty("history").EnumerateArray().ToList();
        Assert.Contains(history, h => h.GetProperty("kind").GetString() == "providerNotice" && h.GetProperty("clause").GetString() == "§21-1(1)");
        Assert.Contains(history, h => h.GetProperty("kind").GetString() == "serviceSuspended" && h.GetProperty("date").GetString() == "2026-07-01");
        Assert.Contains(history, h => h.GetProperty("kind").GetString() == "serviceResumed" && h.GetProperty("clause").GetString() == "§21-1(1)" && h.GetProperty("date").GetString() == "2026-07-03");
    }
}
