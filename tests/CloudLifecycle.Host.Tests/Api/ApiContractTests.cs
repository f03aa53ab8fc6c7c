using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudLifecycle.Api;
using CloudLifecycle.Core.Application.InMemory;
using NodaTime;

namespace CloudLifecycle.Tests.Api;

/// <summary>
/// Contract tests: every operation of the OpenAPI document, with good and bad requests, each answer checked against
/// what the document says that operation answers with that status (content type, headers, body by its JSON Schema).
/// Each scenario runs on its own server seeded with one contract per product and an invoiced month.
/// </summary>
public sealed class ApiContractTests
{
    private const string Json = "application/json";

    /// <summary>One request to one operation and the status it must get; <see cref="Check"/> pins what the answer says.</summary>
    internal sealed record Scenario(string OperationId, HttpStatusCode Status, Func<ApiTestServer, Task<HttpResponseMessage>> Send, Action<JsonElement>? Check = null);

    private static readonly Dictionary<string, Scenario> Scenarios = new(StringComparer.Ordinal)
    {
        // registerContract
        ["register: the smallest eclect-aws contract"] = new("registerContract", HttpStatusCode.Created, s => s.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("E-2"))),
        ["register: nec-express5800 with a decimal-string base fee"] = new("registerContract", HttpStatusCode.Created, s => s.PostAsync("/api/v1/contracts",
            """{"contractId":"N-2","product":"nec-express5800","startDate":"2026-04-01","endDate":"2028-03-31","baseFee":"120000.50","unitPrice":180,"customer":{"name":"株式会社サンプル","email":"ops@example.jp"}}""")),
        ["register: OPTAGE graduated"] = new("registerContract", HttpStatusCode.Created, s => s.PostAsync("/api/v1/contracts",
            """{"contractId":"O-2","product":"optage-storage","startDate":"2026-06-01","plan":"standard","components":6,"componentPricing":"graduated","customer":{"name":"株式会社サンプル","email":"ops@example.jp","language":"en"}}""")),
        ["register: unknown product, its reason not prefixed twice"] = new("registerContract", HttpStatusCode.BadRequest, s => s.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("E-3", product: "aws")),
            p => Problem(p, "product", reasonStartsWith: "unknown product 'aws'")),
        ["register: impossible date, in yyyy-MM-dd words"] = new("registerContract", HttpStatusCode.BadRequest, s => s.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("E-3", startDate: "2026-13-25")),
            p => Problem(p, "startDate", reasonStartsWith: "'2026-13-25' is not a date (yyyy-MM-dd)")),
        ["register: malformed JSON is the body's fault"] = new("registerContract", HttpStatusCode.BadRequest, s => s.PostAsync("/api/v1/contracts", """{"contractId":"E-3","startDate":"2026-03-25","""),
            p => Problem(p, "body", reasonStartsWith: "is not well-formed JSON (line 1")),
        ["register: twice"] = new("registerContract", HttpStatusCode.Conflict, s => s.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("E-1"))),
        ["register: a base fee out of bounds"] = new("registerContract", HttpStatusCode.UnprocessableEntity, s => s.PostAsync("/api/v1/contracts",
            """{"contractId":"N-3","product":"nec-express5800","startDate":"2026-04-01","endDate":"2028-03-31","baseFee":1e13,"unitPrice":180,"customer":{"name":"株式会社サンプル","email":"ops@example.jp"}}"""),
            p => Problem(p, "baseFee")),
        ["register: not JSON"] = new("registerContract", HttpStatusCode.UnsupportedMediaType, s => s.Client.SendAsync(Post("/api/v1/contracts", ApiTestServer.Smallest("E-3"), "text/plain"))),
        ["register: no API key"] = new("registerContract", HttpStatusCode.Unauthorized, s => s.Client.SendAsync(Post("/api/v1/contracts", ApiTestServer.Smallest("E-3"), Json, key: false))),
        ["register: no Idempotency-Key"] = new("registerContract", HttpStatusCode.BadRequest, s => s.Client.SendAsync(Post("/api/v1/contracts", ApiTestServer.Smallest("E-3"), Json, idempotency: false))),
        ["register: over 64 KiB"] = new("registerContract", HttpStatusCode.RequestEntityTooLarge, s => s.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("E-3").Replace("株式会社サンプル", new string('x', 70_000), StringComparison.Ordinal))),

        ["register: a retry gets the first answer"] = new("registerContract", HttpStatusCode.Created, async s =>
        {
            await s.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("E-4"), "reg-E-4");
            var replay = await s.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("E-4"), "reg-E-4");
            Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
            return replay;
        }),
        ["register: an Idempotency-Key reused for another request"] = new("registerContract", HttpStatusCode.UnprocessableEntity, async s =>
        {
            await s.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("E-4"), "reg-E-4");
            return await s.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("E-5"), "reg-E-4");
        }, p => Problem(p, "Idempotency-Key")),

        // listContracts
        ["list: all"] = new("listContracts", HttpStatusCode.OK, s => s.GetAsync("/api/v1/contracts"), j => Assert.Equal(4, j.GetProperty("count").GetInt32())),
        ["list: by product and state, paged"] = new("listContracts", HttpStatusCode.OK, s => s.GetAsync("/api/v1/contracts?product=nec-express5800&state=active&limit=1&deadlineWithin=400")),
        ["list: not modified"] = new("listContracts", HttpStatusCode.NotModified, s => NotModifiedAsync(s, "/api/v1/contracts")),
        ["list: an unknown product is a bad parameter, as an unknown state is"] = new("listContracts", HttpStatusCode.BadRequest, s => s.GetAsync("/api/v1/contracts?product=foo"), p => Problem(p, "product")),
        ["list: an unknown state"] = new("listContracts", HttpStatusCode.BadRequest, s => s.GetAsync("/api/v1/contracts?state=foo"), p => Problem(p, "state")),
        ["list: limit 0"] = new("listContracts", HttpStatusCode.BadRequest, s => s.GetAsync("/api/v1/contracts?limit=0"), p => Problem(p, "limit")),
        ["list: DELETE"] = new("listContracts", HttpStatusCode.MethodNotAllowed, s => s.Client.SendAsync(WithKey(new HttpRequestMessage(HttpMethod.Delete, "/api/v1/contracts")))),

        // getContract
        ["get: a contract with its history"] = new("getContract", HttpStatusCode.OK, s => s.GetAsync("/api/v1/contracts/N-1"), j => Assert.True(j.GetProperty("history").GetArrayLength() > 0)),
        ["get: an ending contract"] = new("getContract", HttpStatusCode.OK, async s =>
        {
            await s.PostAsync("/api/v1/contracts/E-1/cancellation-requests", """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20"}""");
            return await s.GetAsync("/api/v1/contracts/E-1");
        }, j => Assert.Equal("ending", j.GetProperty("status").GetString())),
        ["get: not modified"] = new("getContract", HttpStatusCode.NotModified, s => NotModifiedAsync(s, "/api/v1/contracts/E-1")),
        ["get: no such contract"] = new("getContract", HttpStatusCode.NotFound, s => s.GetAsync("/api/v1/contracts/NONE"), p => Problem(p, "id")),
        ["get: an id that names no contract"] = new("getContract", HttpStatusCode.BadRequest, s => s.GetAsync("/api/v1/contracts/a%25b"), p => Problem(p, "id")),
        ["get: PUT"] = new("getContract", HttpStatusCode.MethodNotAllowed, s => s.Client.SendAsync(WithKey(new HttpRequestMessage(HttpMethod.Put, "/api/v1/contracts/E-1")))),

        // requestCancellation
        ["cancel: on time, with its charges"] = new("requestCancellation", HttpStatusCode.Accepted, s => s.PostAsync("/api/v1/contracts/E-1/cancellation-requests", """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20"}"""),
            j => Assert.Equal("2026-07-20", j.GetProperty("consequence").GetProperty("effectiveDate").GetString())),
        ["cancel: not a 20th"] = new("requestCancellation", HttpStatusCode.UnprocessableEntity, s => s.PostAsync("/api/v1/contracts/E-1/cancellation-requests", """{"noticeDate":"2026-06-10","requestedDate":"2026-07-21"}"""),
            p => Problem(p, "requestedDate", clause: "§27-1")),
        ["cancel: twice"] = new("requestCancellation", HttpStatusCode.Conflict, async s =>
        {
            await s.PostAsync("/api/v1/contracts/E-1/cancellation-requests", """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20"}""");
            return await s.PostAsync("/api/v1/contracts/E-1/cancellation-requests", """{"noticeDate":"2026-06-12","requestedDate":"2026-08-20"}""");
        }),
        ["cancel: a stale If-Match"] = new("requestCancellation", HttpStatusCode.PreconditionFailed, s => s.PostAsync("/api/v1/contracts/E-1/cancellation-requests",
            """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20"}""", configure: r => r.Headers.IfMatch.ParseAdd("\"1\""))),
        ["cancel: no such contract"] = new("requestCancellation", HttpStatusCode.NotFound, s => s.PostAsync("/api/v1/contracts/NONE/cancellation-requests", """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20"}""")),
        ["cancel: a member missing"] = new("requestCancellation", HttpStatusCode.BadRequest, s => s.PostAsync("/api/v1/contracts/E-1/cancellation-requests", """{"noticeDate":"2026-06-10"}"""),
            p => Problem(p, "requestedDate")),

        // requestExtension, decideExtension
        ["extension: asked by the deadline"] = new("requestExtension", HttpStatusCode.Accepted, s => s.PostAsync("/api/v1/contracts/N-1/extension-requests", """{"requestDate":"2026-06-01","newEnd":"2029-03-31"}"""),
            j => Assert.Equal("pending", j.GetProperty("extension").GetProperty("outcome").GetString())),
        ["extension: not an NEC contract"] = new("requestExtension", HttpStatusCode.UnprocessableEntity, s => s.PostAsync("/api/v1/contracts/E-1/extension-requests", """{"requestDate":"2026-06-01","newEnd":"2029-03-31"}""")),
        ["decision: approved"] = new("decideExtension", HttpStatusCode.Accepted, async s =>
        {
            await s.PostAsync("/api/v1/contracts/N-1/extension-requests", """{"requestDate":"2026-06-01","newEnd":"2029-03-31"}""");
            return await s.PostAsync("/api/v1/contracts/N-1/extension-decisions", """{"decidedOn":"2026-06-10","approved":true,"newEnd":"2029-03-31","newBaseFee":"130000"}""");
        }),
        ["decision: nothing pending"] = new("decideExtension", HttpStatusCode.Conflict, s => s.PostAsync("/api/v1/contracts/N-1/extension-decisions", """{"decidedOn":"2026-06-10","approved":false}"""),
            p => Problem(p, "extension", clause: "§2-3")),

        // changePlan
        ["plan: NTT to advanced"] = new("changePlan", HttpStatusCode.Accepted, s => s.PostAsync("/api/v1/contracts/T-1/plan-changes", """{"effectiveFrom":"2026-07-01","plan":"advanced","components":3}""")),
        ["plan: eclect-aws has no plans"] = new("changePlan", HttpStatusCode.UnprocessableEntity, s => s.PostAsync("/api/v1/contracts/E-1/plan-changes", """{"effectiveFrom":"2026-07-01","plan":"basic","components":1}""")),
        ["plan: components as text"] = new("changePlan", HttpStatusCode.BadRequest, s => s.PostAsync("/api/v1/contracts/T-1/plan-changes", """{"effectiveFrom":"2026-07-01","plan":"advanced","components":"3"}"""),
            p => Problem(p, "components")),

        // recordUsage
        ["usage: NEC quantity"] = new("recordUsage", HttpStatusCode.Accepted, s => s.PostAsync("/api/v1/contracts/N-1/usage", """{"month":"2026-06","quantity":"350"}""")),
        ["usage: eclect-aws in dollars as decimal strings"] = new("recordUsage", HttpStatusCode.Accepted, s => s.PostAsync("/api/v1/contracts/E-1/usage", """{"month":"2026-06","awsUsageUsd":"1200.50","fxRate":"151.2"}""")),
        ["usage: NEC without quantity is refused when posted"] = new("recordUsage", HttpStatusCode.UnprocessableEntity, s => s.PostAsync("/api/v1/contracts/N-1/usage", """{"month":"2026-06"}"""),
            p => Problem(p, "quantity", clause: "§4-4")),
        ["usage: eclect-aws dollars without a rate"] = new("recordUsage", HttpStatusCode.UnprocessableEntity, s => s.PostAsync("/api/v1/contracts/E-1/usage", """{"month":"2026-06","awsUsageUsd":100}"""),
            p => Problem(p, "fxRate", clause: "§15")),
        ["usage: negative dollars name their clause"] = new("recordUsage", HttpStatusCode.UnprocessableEntity, s => s.PostAsync("/api/v1/contracts/E-1/usage", """{"month":"2026-06","awsUsageUsd":-5,"fxRate":150}"""),
            p => Problem(p, "awsUsageUsd", clause: "§13-1(1)")),
        ["usage: a month in yyyy-MM words"] = new("recordUsage", HttpStatusCode.BadRequest, s => s.PostAsync("/api/v1/contracts/E-1/usage", """{"month":"2026-1","awsUsageUsd":1,"fxRate":150}"""),
            p => Problem(p, "month", reasonStartsWith: "'2026-1' is not a month (yyyy-MM)")),
        ["usage: malformed JSON after the month is not the month's fault"] = new("recordUsage", HttpStatusCode.BadRequest, s => s.PostAsync("/api/v1/contracts/E-1/usage", """{"month":"2026-06" "awsUsageUsd":1}"""),
            p => Problem(p, "body", reasonStartsWith: "is not well-formed JSON (line 1, byte 20)")),
        ["usage: a month already invoiced"] = new("recordUsage", HttpStatusCode.Conflict, s => s.PostAsync("/api/v1/contracts/E-1/usage", """{"month":"2026-05","awsUsageUsd":1,"fxRate":150}""")),

        // reportOutage
        ["outage: OPTAGE hours"] = new("reportOutage", HttpStatusCode.Accepted, s => s.PostAsync("/api/v1/contracts/O-1/outages", """{"month":"2026-06","hours":30}""")),
        ["outage: NEC without the days it was known and applied for"] = new("reportOutage", HttpStatusCode.UnprocessableEntity, s => s.PostAsync("/api/v1/contracts/N-1/outages", """{"month":"2026-06","hours":30}"""),
            p => Problem(p, "knownOn")),
        ["outage: more hours than a month has"] = new("reportOutage", HttpStatusCode.UnprocessableEntity, s => s.PostAsync("/api/v1/contracts/O-1/outages", """{"month":"2026-06","hours":745}"""),
            p => Problem(p, "hours")),

        // recordPayment
        ["payment: the invoice paid in full"] = new("recordPayment", HttpStatusCode.Accepted, async s =>
        {
            var total = (await ApiTestServer.JsonAsync(await s.GetAsync("/api/v1/invoices/INV-E-1-202605"))).GetProperty("total").GetInt64();
            return await s.PostAsync("/api/v1/contracts/E-1/payments", $$"""{"invoiceNumber":"INV-E-1-202605","paidOn":"2026-06-10","amount":"{{total}}"}""");
        }),
        ["payment: no such invoice"] = new("recordPayment", HttpStatusCode.UnprocessableEntity, s => s.PostAsync("/api/v1/contracts/E-1/payments", """{"invoiceNumber":"INV-X","paidOn":"2026-06-01","amount":1000}"""),
            p => Problem(p, "invoiceNumber")),
        ["payment: a fraction of a yen"] = new("recordPayment", HttpStatusCode.BadRequest, s => s.PostAsync("/api/v1/contracts/E-1/payments", """{"invoiceNumber":"INV-E-1-202605","paidOn":"2026-06-01","amount":"10.5"}"""),
            p => Problem(p, "amount")),

        // correctInvoice
        ["correction: a credit note returning ¥1,000 of the first line"] = new("correctInvoice", HttpStatusCode.Accepted, async s =>
        {
            var first = (await ApiTestServer.JsonAsync(await s.GetAsync("/api/v1/invoices/INV-E-1-202605"))).GetProperty("lines")[0].GetProperty("amount").GetInt64();
            return await s.PostAsync("/api/v1/invoices/INV-E-1-202605/corrections", $$"""{"kind":"creditNote","reason":"為替レートの誤り","lines":[{"line":1,"amount":{{first - 1_000}}}]}""");
        }),
        ["correction: no such invoice"] = new("correctInvoice", HttpStatusCode.NotFound, s => s.PostAsync("/api/v1/invoices/INV-E-1-202601/corrections", """{"kind":"creditNote","reason":"x","cancelInFull":true}"""),
            p => Problem(p, "number")),
        ["correction: crediting more than the line charged"] = new("correctInvoice", HttpStatusCode.UnprocessableEntity, s => s.PostAsync("/api/v1/invoices/INV-E-1-202605/corrections", """{"kind":"creditNote","reason":"x","lines":[{"line":1,"amount":-1}]}"""),
            p => Problem(p, "lines[0].amount")),

        // recordProviderNotice
        ["provider notice: eclect-aws discontinues"] = new("recordProviderNotice", HttpStatusCode.Accepted, s => s.PostAsync("/api/v1/contracts/E-1/provider-notices", """{"rule":"discontinuation","noticeDate":"2026-06-10","statedDate":"2027-03-31"}""")),
        ["provider notice: a rule the product lacks"] = new("recordProviderNotice", HttpStatusCode.UnprocessableEntity, s => s.PostAsync("/api/v1/contracts/E-1/provider-notices", """{"rule":"whim","noticeDate":"2026-06-01"}"""),
            p => Problem(p, "rule")),

        // quoteCancellation
        ["quote: a cancellation"] = new("quoteCancellation", HttpStatusCode.OK, s => s.GetAsync("/api/v1/contracts/O-1/quotes/cancellation?notice=2026-06-15&requested=2026-09-30"),
            j => Assert.True(j.GetProperty("chargesTotal").GetInt64() > 0)),
        ["quote: a parameter missing"] = new("quoteCancellation", HttpStatusCode.BadRequest, s => s.GetAsync("/api/v1/contracts/E-1/quotes/cancellation?notice=2026-06-15"), p => Problem(p, "requested")),
        ["quote: not a date"] = new("quoteCancellation", HttpStatusCode.BadRequest, s => s.GetAsync("/api/v1/contracts/E-1/quotes/cancellation?notice=soon&requested=2026-07-20"), p => Problem(p, "notice")),
        ["quote: not a 20th"] = new("quoteCancellation", HttpStatusCode.UnprocessableEntity, s => s.GetAsync("/api/v1/contracts/E-1/quotes/cancellation?notice=2026-06-10&requested=2026-07-21")),
        ["quote: no such contract"] = new("quoteCancellation", HttpStatusCode.NotFound, s => s.GetAsync("/api/v1/contracts/NONE/quotes/cancellation?notice=2026-06-10&requested=2026-07-20")),

        // listInvoices, getInvoice
        ["invoices: of a contract"] = new("listInvoices", HttpStatusCode.OK, s => s.GetAsync("/api/v1/contracts/E-1/invoices"), j => Assert.Equal(1, j.GetProperty("invoices").GetArrayLength())),
        ["invoices: no such contract"] = new("listInvoices", HttpStatusCode.NotFound, s => s.GetAsync("/api/v1/contracts/NONE/invoices")),
        ["invoice: JSON"] = new("getInvoice", HttpStatusCode.OK, s => s.GetAsync("/api/v1/invoices/INV-N-1-202605")),
        ["invoice: the issued HTML"] = new("getInvoice", HttpStatusCode.OK, s => s.GetAsync("/api/v1/invoices/INV-E-1-202605?format=html")),
        ["invoice: HTML by Accept"] = new("getInvoice", HttpStatusCode.OK, s => s.GetAsync("/api/v1/invoices/INV-E-1-202605", r => r.Headers.Accept.ParseAdd("text/html"))),
        ["invoice: not modified"] = new("getInvoice", HttpStatusCode.NotModified, s => NotModifiedAsync(s, "/api/v1/invoices/INV-E-1-202605")),
        ["invoice: PDF by ?format=pdf"] = new("getInvoice", HttpStatusCode.OK, s => s.GetAsync("/api/v1/invoices/INV-E-1-202605?format=pdf")),
        ["invoice: JP PINT by Accept"] = new("getInvoice", HttpStatusCode.OK, s => s.GetAsync("/api/v1/invoices/INV-E-1-202605", r => r.Headers.Accept.ParseAdd("application/xml"))),
        ["invoice: PDF by the email's signed link, without the API key"] = new("getInvoice", HttpStatusCode.OK, s => s.Client.GetAsync(SignedLink(s, "INV-E-1-202605", Duration.FromDays(90)))),
        ["invoice: a signed link past its expiry"] = new("getInvoice", HttpStatusCode.Unauthorized, s => s.Client.GetAsync(SignedLink(s, "INV-E-1-202605", Duration.FromSeconds(-1))),
            p => Problem(p, "sig", reasonStartsWith: "the link has expired")),
        ["invoice: a signed link for another invoice"] = new("getInvoice", HttpStatusCode.Unauthorized, s => s.Client.GetAsync(SignedLink(s, "INV-E-1-202605", Duration.FromDays(1)).Replace("INV-E-1-202605", "INV-N-1-202605", StringComparison.Ordinal)),
            p => Problem(p, "sig")),
        ["invoice: a format it has not"] = new("getInvoice", HttpStatusCode.BadRequest, s => s.GetAsync("/api/v1/invoices/INV-E-1-202605?format=docx"), p => Problem(p, "format")),
        ["invoice: no such invoice"] = new("getInvoice", HttpStatusCode.NotFound, s => s.GetAsync("/api/v1/invoices/INV-E-1-202604")),
        ["invoice: not an invoice number"] = new("getInvoice", HttpStatusCode.BadRequest, s => s.GetAsync("/api/v1/invoices/bill-1"), p => Problem(p, "number")),

        // contractCalendar, contractTimeline
        ["calendar: the feed"] = new("contractCalendar", HttpStatusCode.OK, s => s.GetAsync("/api/v1/contracts/N-1/calendar.ics?lang=en")),
        ["calendar: a wrong token"] = new("contractCalendar", HttpStatusCode.Unauthorized, s => s.Client.GetAsync("/api/v1/contracts/N-1/calendar.ics?token=nope")),
        ["calendar: a language it has not"] = new("contractCalendar", HttpStatusCode.BadRequest, s => s.GetAsync("/api/v1/contracts/N-1/calendar.ics?lang=fr"), p => Problem(p, "lang")),
        ["timeline: the page"] = new("contractTimeline", HttpStatusCode.OK, s => s.GetAsync("/api/v1/contracts/E-1/timeline")),
        ["timeline: no such contract"] = new("contractTimeline", HttpStatusCode.NotFound, s => s.GetAsync("/api/v1/contracts/NONE/timeline")),

        // listContractEvents
        ["events: an invoiced contract, oldest first"] = new("listContractEvents", HttpStatusCode.OK, s => s.GetAsync("/api/v1/contracts/E-1/events"), j =>
        {
            var events = j.GetProperty("events").EnumerateArray().ToList();
            Assert.Equal("2026-03-25", events[0].GetProperty("date").GetString());
            Assert.Contains(events, e => e.GetProperty("id").GetString() == "event:event/registered");
            Assert.Contains(events, e => e.GetProperty("id").GetString() == "invoice:INV-E-1-202605" && e.GetProperty("amount").GetInt64() > 0);
            Assert.False(j.GetProperty("more").GetBoolean());
        }),
        ["events: a page of one, then the next"] = new("listContractEvents", HttpStatusCode.OK, async s =>
        {
            var first = await ApiTestServer.JsonAsync(await s.GetAsync("/api/v1/contracts/E-1/events?limit=1"));
            Assert.True(first.GetProperty("more").GetBoolean());
            return await s.GetAsync($"/api/v1/contracts/E-1/events?limit=1&after={first.GetProperty("next").GetString()}");
        }, j => Assert.Equal(1, j.GetProperty("count").GetInt32())),
        ["events: not modified"] = new("listContractEvents", HttpStatusCode.NotModified, s => NotModifiedAsync(s, "/api/v1/contracts/E-1/events")),
        ["events: a cursor that is not one"] = new("listContractEvents", HttpStatusCode.BadRequest, s => s.GetAsync("/api/v1/contracts/E-1/events?after=2026-06-01"), p => Problem(p, "after")),
        ["events: limit 0"] = new("listContractEvents", HttpStatusCode.BadRequest, s => s.GetAsync("/api/v1/contracts/E-1/events?limit=0"), p => Problem(p, "limit")),
        ["events: no such contract"] = new("listContractEvents", HttpStatusCode.NotFound, s => s.GetAsync("/api/v1/contracts/NONE/events"), p => Problem(p, "id")),

        // listWebhookDeliveries (with an endpoint configured: OpenApiWebhooksTests)
        ["webhook deliveries: no endpoint configured, none recorded"] = new("listWebhookDeliveries", HttpStatusCode.OK, s => s.GetAsync("/api/v1/webhooks/deliveries?status=failed"), j =>
        {
            Assert.False(j.GetProperty("configured").GetBoolean());
            Assert.Equal(0, j.GetProperty("count").GetInt32());
        }),
        ["webhook deliveries: a status that is not one"] = new("listWebhookDeliveries", HttpStatusCode.BadRequest, s => s.GetAsync("/api/v1/webhooks/deliveries?status=lost"), p => Problem(p, "status")),

        // exportJournal
        ["journal: 弥生 in Shift_JIS"] = new("exportJournal", HttpStatusCode.OK, s => JournalAsync(s, "/api/v1/journal?month=2026-05&format=yayoi", "Shift_JIS", 932)),
        ["journal: freee in UTF-8"] = new("exportJournal", HttpStatusCode.OK, s => JournalAsync(s, "/api/v1/journal?month=2026-05&format=freee", "utf-8", 65001)),
        ["journal: not a month"] = new("exportJournal", HttpStatusCode.BadRequest, s => s.GetAsync("/api/v1/journal?month=2026-5&format=yayoi"), p => Problem(p, "month")),
        ["journal: no month"] = new("exportJournal", HttpStatusCode.BadRequest, s => s.GetAsync("/api/v1/journal?format=mf"), p => Problem(p, "month")),
        ["journal: a format it has not"] = new("exportJournal", HttpStatusCode.BadRequest, s => s.GetAsync("/api/v1/journal?month=2026-05&format=sage"), p => Problem(p, "format")),
        ["journal: a month out of bounds"] = new("exportJournal", HttpStatusCode.UnprocessableEntity, s => s.GetAsync("/api/v1/journal?month=1999-05&format=mf"), p => Problem(p, "month")),

        // startBillingRun, getBillingRun
        ["billing run: a month again"] = new("startBillingRun", HttpStatusCode.Accepted, s => s.PostAsync("/api/v1/billing-runs", """{"month":"2026-04"}""")),
        ["billing run: a month not ended"] = new("startBillingRun", HttpStatusCode.UnprocessableEntity, s => s.PostAsync("/api/v1/billing-runs", """{"month":"2026-06"}"""), p => Problem(p, "month")),
        ["billing run: not a month"] = new("startBillingRun", HttpStatusCode.BadRequest, s => s.PostAsync("/api/v1/billing-runs", """{"month":"June"}"""), p => Problem(p, "month", reasonStartsWith: "'June' is not a month (yyyy-MM)")),
        ["billing run: its report"] = new("getBillingRun", HttpStatusCode.OK, s => s.GetAsync("/api/v1/billing-runs/2026-05"), j => Assert.Equal("completed", j.GetProperty("state").GetString())),
        ["billing run: never started"] = new("getBillingRun", HttpStatusCode.NotFound, s => s.GetAsync("/api/v1/billing-runs/2026-03")),
        ["billing run: not a month in the path"] = new("getBillingRun", HttpStatusCode.BadRequest, s => s.GetAsync("/api/v1/billing-runs/2026-5"), p => Problem(p, "month")),
    };

    /// <summary>The journal of the seeded month: its charset, its code page, and the month's two invoices numbered in 摘要.</summary>
    private static async Task<HttpResponseMessage> JournalAsync(ApiTestServer server, string path, string charset, int codePage)
    {
        var response = await server.GetAsync(path);
        Assert.Equal(charset, response.Content.Headers.ContentType?.CharSet);
        var text = Encoding.GetEncoding(codePage).GetString(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("INV-E-1-202605 ", text, StringComparison.Ordinal);
        Assert.Contains("INV-N-1-202605 ", text, StringComparison.Ordinal);
        Assert.Contains("売掛金", text, StringComparison.Ordinal);
        return response;
    }

    public static TheoryData<string> ScenarioNames() => new(Scenarios.Keys);

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public async Task Answer_HasTheStatusExpected_AndMatchesTheDocument(string name)
    {
        var scenario = Scenarios[name];
        await using var server = await SeededAsync();
        var contract = new ApiContract(await DocumentAsync(server));

        var response = await scenario.Send(server);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(scenario.Status == response.StatusCode, $"{name}: {(int)response.StatusCode} {text}");
        var violations = await contract.ViolationsAsync(scenario.OperationId, response);
        Assert.True(violations.Count == 0, $"{name}:\n{string.Join('\n', violations)}\n{text}");
        if (scenario.Check is { } check)
        {
            check(JsonDocument.Parse(text).RootElement);
        }
    }

    [Fact]
    public async Task Contract_RefusesAnswersTheDocumentDoesNotDescribe()
    {
        await using var server = await SeededAsync();
        var contract = new ApiContract(await DocumentAsync(server));
        var good = await server.GetAsync("/api/v1/contracts/E-1");
        var body = JsonNode.Parse(await good.Content.ReadAsStringAsync())!.AsObject();

        static HttpResponseMessage Answer(HttpStatusCode status, string json, string type = "application/json")
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, type) };
            response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue("\"1\"");
            return response;
        }

        Assert.Empty(await contract.ViolationsAsync("getContract", Answer(HttpStatusCode.OK, body.ToJsonString())));
        var slashDate = body.DeepClone().AsObject();
        slashDate["startDate"] = "2026/03/25";
        var noStatus = body.DeepClone().AsObject();
        noStatus.Remove("status");
        var extra = body.DeepClone().AsObject();
        extra["keyDates"]!.AsArray()[0]!["clause"] = 27;
        Assert.NotEmpty(await contract.ViolationsAsync("getContract", Answer(HttpStatusCode.OK, slashDate.ToJsonString())));
        Assert.NotEmpty(await contract.ViolationsAsync("getContract", Answer(HttpStatusCode.OK, noStatus.ToJsonString())));
        Assert.NotEmpty(await contract.ViolationsAsync("getContract", Answer(HttpStatusCode.OK, extra.ToJsonString())));
        Assert.NotEmpty(await contract.ViolationsAsync("getContract", Answer(HttpStatusCode.OK, body.ToJsonString(), "text/plain")));
        Assert.NotEmpty(await contract.ViolationsAsync("getContract", Answer((HttpStatusCode)418, """{"type":"x","title":"x","status":418,"field":"x","reason":"x"}""", "application/problem+json")));
        Assert.NotEmpty(await contract.ViolationsAsync("getContract", Answer(HttpStatusCode.NotFound, """{"title":"no type"}""", "application/problem+json")));
    }

    [Fact]
    public async Task EveryOperation_HasAGoodAndABadRequestHere()
    {
        await using var server = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 15));
        var contract = new ApiContract(await DocumentAsync(server));

        foreach (var (operationId, method, path) in contract.Operations)
        {
            var mine = Scenarios.Values.Where(s => s.OperationId == operationId).ToList();
            Assert.True(mine.Any(s => (int)s.Status is >= 200 and < 300), $"{method} {path} ({operationId}) has no contract test of a good request");
            Assert.True(mine.Any(s => (int)s.Status is >= 400 and < 500), $"{method} {path} ({operationId}) has no contract test of a bad request");
        }

        Assert.Empty(Scenarios.Values.Select(s => s.OperationId).Except(contract.Operations.Select(o => o.OperationId)));
    }

    [Fact]
    public async Task Document_IsValidAgainstTheOpenApi31Schema()
    {
        await using var server = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 15));
        var schemas = Path.Combine(OpenApiValidationTests.RepositoryRoot(), "node_modules", "@apidevtools", "openapi-schemas", "schemas", "v3.1");
        Assert.True(Directory.Exists(schemas), $"{schemas} is missing: run npm ci");

        var violations = ApiContract.AgainstOpenApiSchema(await DocumentAsync(server), schemas);

        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Fact]
    public async Task Document_RequiresNoMemberThatMayBeNull_AndTakesDecimalStringsWithinBounds()
    {
        await using var server = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 15));
        var schemas = (await DocumentAsync(server))["components"]!["schemas"]!.AsObject();

        foreach (var (name, schema) in schemas)
        {
            foreach (var obj in Objects(schema))
            {
                var required = obj["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [];
                foreach (var member in required)
                {
                    Assert.False(obj["properties"]![member]!["type"] is JsonArray types && types.Any(t => t!.GetValue<string>() == "null"), $"{name}: {member} may be null yet is required");
                }
            }
        }

        var fee = schemas["RegisterContractBody"]!["properties"]!["baseFee"]!;
        Assert.Contains("string", fee["type"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal((0m, 1_000_000_000_000m), (fee["minimum"]!.GetValue<decimal>(), fee["maximum"]!.GetValue<decimal>()));
        Assert.Equal(0m, schemas["UsageBody"]!["properties"]!["fxRate"]!["exclusiveMinimum"]!.GetValue<decimal>());
    }

    private static IEnumerable<JsonObject> Objects(JsonNode? node) => node switch
    {
        JsonObject obj => new[] { obj }.Concat(obj.SelectMany(p => Objects(p.Value))),
        JsonArray array => array.SelectMany(Objects),
        _ => [],
    };

    private static async Task<JsonNode> DocumentAsync(ApiTestServer server) =>
        JsonNode.Parse(await server.Client.GetStringAsync(CrmApiOptions.OpenApiPath))!;

    /// <summary>A server on 2026-06-15 with one contract per billing kind and May 2026 invoiced (INV-E-1-202605, INV-N-1-202605).</summary>
    private static async Task<ApiTestServer> SeededAsync()
    {
        var server = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 15));
        foreach (var body in new[]
        {
            ApiTestServer.Smallest("E-1"),
            """{"contractId":"N-1","product":"nec-express5800","startDate":"2026-04-01","endDate":"2028-03-31","baseFee":120000,"unitPrice":3000,"customer":{"name":"株式会社サンプル","email":"ops@example.jp"}}""",
            """{"contractId":"T-1","product":"ntt-east-aws-ops","startDate":"2026-04-01","plan":"standard","components":3,"customer":{"name":"株式会社サンプル","email":"ops@example.jp"}}""",
            """{"contractId":"O-1","product":"optage-neutrix","startDate":"2026-06-01","plan":"premium","components":22,"windows":true,"customer":{"name":"株式会社サンプル","email":"ops@example.jp"}}""",
        })
        {
            Assert.Equal(HttpStatusCode.Created, (await server.PostAsync("/api/v1/contracts", body)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Accepted, (await server.PostAsync("/api/v1/contracts/E-1/usage", """{"month":"2026-05","awsUsageUsd":"1000","fxRate":"150"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await server.PostAsync("/api/v1/contracts/N-1/usage", """{"month":"2026-05","quantity":10}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await server.PostAsync("/api/v1/billing-runs", """{"month":"2026-05"}""")).StatusCode);
        await server.Runs.WhenIdleAsync();
        return server;
    }

    private static void Problem(JsonElement problem, string field, string? clause = null, string? reasonStartsWith = null)
    {
        var reason = problem.GetProperty("reason").GetString()!;
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.DoesNotContain($"{field}: ", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("LocalDate", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("YearMonth", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", reason, StringComparison.Ordinal);
        if (clause is not null)
        {
            Assert.Equal(clause, problem.GetProperty("clause").GetString());
        }

        if (reasonStartsWith is not null)
        {
            Assert.StartsWith(reasonStartsWith, reason, StringComparison.Ordinal);
        }
    }

    private static HttpRequestMessage Post(string path, string body, string contentType, bool key = true, bool idempotency = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (key)
        {
            request.Headers.Add(CrmApi.ApiKeyHeader, ApiTestServer.Key);
        }

        if (idempotency)
        {
            request.Headers.Add(CrmApi.IdempotencyKeyHeader, Guid.NewGuid().ToString("N"));
        }

        return request;
    }

    /// <summary>A GET, then the same GET with If-None-Match naming the ETag the first one got.</summary>
    private static async Task<HttpResponseMessage> NotModifiedAsync(ApiTestServer server, string path)
    {
        var tag = (await server.GetAsync(path)).Headers.ETag!;
        return await server.GetAsync(path, r => r.Headers.IfNoneMatch.Add(tag));
    }

    /// <summary>The link an invoice email carries (as the hosts sign it from the API key), valid for <paramref name="validFor"/> from now.</summary>
    private static string SignedLink(ApiTestServer server, string number, Duration validFor) =>
        CloudLifecycle.Core.Application.DocumentLinks.From(null, [ApiTestServer.Key, ApiTestServer.SecondKey], null, CrmApiOptions.BasePath)!
            .InvoicePdf(number, server.Clock.GetCurrentInstant() + validFor);

    private static HttpRequestMessage WithKey(HttpRequestMessage request)
    {
        request.Headers.Add(CrmApi.ApiKeyHeader, ApiTestServer.Key);
        return request;
    }
}
