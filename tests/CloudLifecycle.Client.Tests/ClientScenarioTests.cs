using CloudLifecycle.Client.Generated.Models;
using Microsoft.Kiota.Abstractions;
using NodaTime;

namespace CloudLifecycle.Client.Tests;

/// <summary>
/// A CRM's first day with the API, written only against the client Kiota generated from the OpenAPI document (issue 16):
/// register, quote a cancellation, post a month's usage, cancel, run the month's billing and read it, read the invoice and
/// the contract's events feed (then nothing new from its cursor),
/// and a refusal read as the document's problem type. Any member the document types differently from what the server
/// writes fails here, in the generated deserialiser.
/// </summary>
public sealed class ClientScenarioTests
{
    [Fact]
    public async Task GeneratedClient_RegistersQuotesMetersCancelsAndReadsTheMonthsInvoice()
    {
        await using var server = await ClientTestServer.StartAsync(new LocalDate(2026, 6, 15));
        var api = server.Client.Api.V1;

        var registered = await api.Contracts.PostAsync(new RegisterContractBody
        {
            ContractId = "CRM-1",
            Product = RegisterContractBody_product.EclectAws,
            StartDate = new Date(2026, 3, 25),
            Customer = new RegisterContractBody_customer { Name = "株式会社サンプル", Email = "ops@example.jp", Language = RegisterContractBody_customer_language.Ja },
        }, c => c.Headers.Add("Idempotency-Key", "reg-CRM-1"));

        // eclect-aws §27-1: a notice by the 15th cancels on the 20th of the next month.
        var quote = await api.Contracts["CRM-1"].Quotes.Cancellation.GetAsync(c =>
        {
            c.QueryParameters.Notice = new Date(2026, 6, 15);
            c.QueryParameters.Requested = new Date(2026, 7, 20);
        });

        var usage = await api.Contracts["CRM-1"].Usage.PostAsync(new UsageBody
        {
            Month = "2026-05",
            AwsUsageUsd = new UsageBody.UsageBody_awsUsageUsd { String = "1000.50" },
            FxRate = new UsageBody.UsageBody_fxRate { Double = 150 },
        }, c => c.Headers.Add("Idempotency-Key", "usage-CRM-1-202605"));

        var cancelled = await api.Contracts["CRM-1"].CancellationRequests.PostAsync(
            new CancellationBody { NoticeDate = new Date(2026, 6, 15), RequestedDate = new Date(2026, 7, 20) },
            c => c.Headers.Add("Idempotency-Key", "cancel-CRM-1"));

        var started = await api.BillingRuns.PostAsync(new BillingRunBody { Month = "2026-05" }, c => c.Headers.Add("Idempotency-Key", "run-2026-05"));
        await server.Runs.WhenIdleAsync();
        var run = await api.BillingRuns["2026-05"].GetAsync();
        var invoice = await api.Invoices["INV-CRM-1-202605"].GetAsync();
        var contract = await api.Contracts["CRM-1"].GetAsync();
        var feed = await api.Contracts["CRM-1"].Events.GetAsync();
        var sinceFeed = await api.Contracts["CRM-1"].Events.GetAsync(c => c.QueryParameters.After = feed!.Next);

        Assert.Equal("CRM-1", registered!.ContractId);
        Assert.Contains(registered.KeyDates!, k => k.Clause == "§3-3");
        Assert.Equal(new Date(2026, 7, 20), quote!.Quote!.EffectiveDate);
        Assert.True(quote.Quote.NoticeOnTime);
        Assert.Equal("§27-1", quote.Quote.Clause);
        Assert.Equal("usage", usage!.Event);
        Assert.Equal(EventAccepted_status.Ending, cancelled!.Status);
        Assert.Equal(new Date(2026, 7, 20), cancelled.Consequence!.EffectiveDate);
        Assert.Equal("/api/v1/billing-runs/2026-05", started!.Self);
        Assert.Equal(BillingRunView_state.Completed, run!.State);
        Assert.Equal(1, run.Invoiced);
        Assert.Equal("INV-CRM-1-202605", invoice!.Number);
        Assert.Equal("2026-05", invoice.Month);
        // USD 1,000.50 × 150 = ¥150,075 of usage, and every line cites its clause.
        Assert.Contains(invoice.Lines!, l => l.Amount == 150_075L);
        Assert.All(invoice.Lines!, l => Assert.False(string.IsNullOrEmpty(l.Clause)));
        Assert.True(invoice.Total > 150_075L);
        Assert.Equal(invoice.Total, contract!.OpenInvoices!.Single(o => o.Number == "INV-CRM-1-202605").Outstanding);
        Assert.Equal(ContractView_status.Ending, contract.Status);
        Assert.Contains(feed!.Events!, e => e.Type == "invoice" && e.InvoiceNumber == "INV-CRM-1-202605" && e.Amount == invoice.Total);
        Assert.Contains(feed.Events!, e => e.Id == "event:event/cancellation/2026-06-15");
        Assert.Empty(sinceFeed!.Events!);
    }

    [Fact]
    public async Task GeneratedClient_ReadsARefusalAsTheDocumentsProblem_NamingTheField()
    {
        await using var server = await ClientTestServer.StartAsync(new LocalDate(2026, 6, 15));

        var missing = await Assert.ThrowsAsync<Problem>(() => server.Client.Api.V1.Contracts["NOPE"].GetAsync());
        var tooEarly = await Assert.ThrowsAsync<Problem>(() => server.Client.Api.V1.BillingRuns.PostAsync(new BillingRunBody { Month = "2026-06" }, c => c.Headers.Add("Idempotency-Key", "run-2026-06")));

        Assert.Equal((404, "id"), (missing.ResponseStatusCode, missing.Field));
        Assert.Equal((422, "month"), (tooEarly.ResponseStatusCode, tooEarly.Field));
    }
}
