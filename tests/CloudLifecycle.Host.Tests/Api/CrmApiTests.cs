using System.Net;
using System.Text.Json;
using CloudLifecycle.Api;
using CloudLifecycle.Core.Application.InMemory;
using NodaTime;

namespace CloudLifecycle.Tests.Api;

/// <summary>The CRM API end to end over in-memory stores: what a CRM developer sees for good and bad requests.</summary>
public sealed class CrmApiTests : IAsyncLifetime
{
    private ApiTestServer server = null!;

    public async Task InitializeAsync() => server = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 15));

    public async Task DisposeAsync() => await server.DisposeAsync();

    private async Task<JsonElement> RegisterAsync(string id, string? body = null)
    {
        var response = await server.PostAsync("/api/v1/contracts", body ?? ApiTestServer.Smallest(id));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ApiTestServer.JsonAsync(response);
    }

    private async Task<(string ETag, int History)> SnapshotAsync(string id)
    {
        var response = await server.GetAsync($"/api/v1/contracts/{id}");
        var json = await ApiTestServer.JsonAsync(response);
        return (response.Headers.ETag!.Tag, json.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task SmallestRegistration_Answers201WithKeyDatesAndClauses()
    {
        var response = await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("C-1"));
        var json = await ApiTestServer.JsonAsync(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/v1/contracts/C-1", response.Headers.Location!.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        Assert.Equal("active", json.GetProperty("status").GetString());
        Assert.Equal("T1234567890123", json.GetProperty("issuerRegistrationNumber").GetString());
        var keyDates = json.GetProperty("keyDates").EnumerateArray().ToList();
        // eclect-aws §27-1: notice by the 15th of the month before the 20th it ends on; the next is 2026-06-15 for 2026-07-20.
        var notice = keyDates.Single(k => k.GetProperty("kind").GetString() == "cancellationNoticeDeadline");
        Assert.Equal("2026-06-15", notice.GetProperty("date").GetString());
        Assert.Equal("§27-1", notice.GetProperty("clause").GetString());
        Assert.All(json.GetProperty("upcoming").EnumerateArray(), m => Assert.False(string.IsNullOrEmpty(m.GetProperty("clause").GetString())));
        Assert.Contains("株式会社サンプル", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetContract_GivesStateHistoryAndUpcoming_AndHonoursIfNoneMatch()
    {
        await RegisterAsync("C-2");
        var response = await server.GetAsync("/api/v1/contracts/C-2");
        var json = await ApiTestServer.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(json.GetProperty("history").EnumerateArray(), h => h.GetProperty("kind").GetString() == "registered");
        Assert.Contains(json.GetProperty("history").EnumerateArray(), h => h.GetProperty("kind").GetString() == "contractStart" && h.GetProperty("clause").GetString() == "§3-3");
        Assert.All(json.GetProperty("upcoming").EnumerateArray(), m => Assert.True(string.CompareOrdinal(m.GetProperty("date").GetString(), "2026-06-15") > 0));
        var again = await server.GetAsync("/api/v1/contracts/C-2", r => r.Headers.IfNoneMatch.Add(response.Headers.ETag!));
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }

    [Fact]
    public async Task Cancellation_Answers202WithEffectiveDateAndClause_AndTheQuoteChangesNothing()
    {
        await RegisterAsync("C-3");
        var before = await SnapshotAsync("C-3");
        var quote = (await ApiTestServer.JsonAsync(await server.GetAsync("/api/v1/contracts/C-3/quotes/cancellation?notice=2026-06-10&requested=2026-07-20"))).GetProperty("quote");
        Assert.Equal("2026-07-20", quote.GetProperty("effectiveDate").GetString());
        Assert.Equal("§27-1", quote.GetProperty("clause").GetString());
        Assert.True(quote.GetProperty("noticeOnTime").GetBoolean());
        Assert.Equal(before, await SnapshotAsync("C-3"));

        var response = await server.PostAsync("/api/v1/contracts/C-3/cancellation-requests", """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20"}""");
        var json = await ApiTestServer.JsonAsync(response);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("2026-07-20", json.GetProperty("consequence").GetProperty("effectiveDate").GetString());
        Assert.Equal("§27-1", json.GetProperty("consequence").GetProperty("clause").GetString());
        Assert.Equal("ending", json.GetProperty("status").GetString());
        var contract = await ApiTestServer.JsonAsync(await server.GetAsync("/api/v1/contracts/C-3"));
        Assert.Equal("2026-07-20", contract.GetProperty("endDate").GetString());
    }

    [Fact]
    public async Task LateNotice_IsMovedToTheNextPossibleEnd_UnderItsClause()
    {
        await RegisterAsync("C-4");
        // §27-1: notice on 06-16 misses the 06-15 deadline for 07-20, so the contract ends on 08-20.
        var quote = (await ApiTestServer.JsonAsync(await server.GetAsync("/api/v1/contracts/C-4/quotes/cancellation?notice=2026-06-16&requested=2026-07-20"))).GetProperty("quote");
        Assert.Equal("2026-08-20", quote.GetProperty("effectiveDate").GetString());
        Assert.False(quote.GetProperty("noticeOnTime").GetBoolean());
    }

    [Fact]
    public async Task IdempotencyKey_ReplaysTheFirstResponse_AndRefusesItsReuseForAnotherRequest()
    {
        await RegisterAsync("C-5");
        const string body = """{"month":"2026-05","awsUsageUsd":"1000.50","fxRate":150}""";
        var first = await server.PostAsync("/api/v1/contracts/C-5/usage", body, "usage-2026-05");
        var firstText = await first.Content.ReadAsStringAsync();
        var afterFirst = await SnapshotAsync("C-5");
        var retry = await server.PostAsync("/api/v1/contracts/C-5/usage", body, "usage-2026-05");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(firstText, await retry.Content.ReadAsStringAsync());
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(afterFirst, await SnapshotAsync("C-5"));

        var reused = await server.PostAsync("/api/v1/contracts/C-5/usage", """{"month":"2026-05","awsUsageUsd":"2000","fxRate":150}""", "usage-2026-05");
        var problem = await ApiTestServer.JsonAsync(reused);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("Idempotency-Key", problem.GetProperty("field").GetString());
        Assert.Equal(afterFirst, await SnapshotAsync("C-5"));
    }

    [Fact]
    public async Task ApiKey_IsRequiredExceptForTheOpenApiDocument()
    {
        var wrong = await server.GetAsync("/api/v1/contracts", r =>
        {
            r.Headers.Remove(CrmApi.ApiKeyHeader);
            r.Headers.Add(CrmApi.ApiKeyHeader, ApiTestServer.Key[..^1]);
        });
        var none = await server.GetAsync("/api/v1/contracts", r => r.Headers.Remove(CrmApi.ApiKeyHeader));
        var second = await server.GetAsync("/api/v1/contracts", r =>
        {
            r.Headers.Remove(CrmApi.ApiKeyHeader);
            r.Headers.Add(CrmApi.ApiKeyHeader, ApiTestServer.SecondKey);
        });
        var openApi = await server.GetAsync(CrmApiOptions.OpenApiPath, r => r.Headers.Remove(CrmApi.ApiKeyHeader));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("ApiKey", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", ApiTestServer.ContentType(none)!.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
    }

    public static TheoryData<string, string, string, HttpStatusCode, string> BadRequests => new()
    {
        { "malformed JSON", "cancellation-requests", """{"noticeDate":"2026-06-10",""", HttpStatusCode.BadRequest, "body" },
        { "not an object", "cancellation-requests", "[1,2]", HttpStatusCode.BadRequest, "body" },
        { "empty body", "cancellation-requests", "", HttpStatusCode.BadRequest, "body" },
        { "wrong type", "cancellation-requests", """{"noticeDate":20260610,"requestedDate":"2026-07-20"}""", HttpStatusCode.BadRequest, "noticeDate" },
        { "missing field", "cancellation-requests", """{"noticeDate":"2026-06-10"}""", HttpStatusCode.BadRequest, "requestedDate" },
        { "unknown field", "cancellation-requests", """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20","reason":"cost"}""", HttpStatusCode.BadRequest, "reason" },
        { "impossible date", "cancellation-requests", """{"noticeDate":"2026-02-30","requestedDate":"2026-07-20"}""", HttpStatusCode.BadRequest, "noticeDate" },
        { "null for a required member", "cancellation-requests", """{"noticeDate":null,"requestedDate":"2026-07-20"}""", HttpStatusCode.BadRequest, "noticeDate" },
        { "duplicate member", "cancellation-requests", """{"noticeDate":"2026-06-10","noticeDate":"2026-06-11","requestedDate":"2026-07-20"}""", HttpStatusCode.BadRequest, "noticeDate" },
        { "camelCase only", "cancellation-requests", """{"NoticeDate":"2026-06-10","requestedDate":"2026-07-20"}""", HttpStatusCode.BadRequest, "NoticeDate" },
        { "not a 20th (§27-1)", "cancellation-requests", """{"noticeDate":"2026-06-10","requestedDate":"2026-07-21"}""", HttpStatusCode.UnprocessableEntity, "requestedDate" },
        { "notice in the future", "cancellation-requests", """{"noticeDate":"2026-06-16","requestedDate":"2026-08-20"}""", HttpStatusCode.UnprocessableEntity, "noticeDate" },
        { "month as a number", "usage", """{"month":202605,"awsUsageUsd":1}""", HttpStatusCode.BadRequest, "month" },
        { "impossible month", "usage", """{"month":"2026-13","awsUsageUsd":1}""", HttpStatusCode.BadRequest, "month" },
        { "negative usage", "usage", """{"month":"2026-05","awsUsageUsd":-1,"fxRate":150}""", HttpStatusCode.UnprocessableEntity, "awsUsageUsd" },
        { "usage before the start", "usage", """{"month":"2026-01","awsUsageUsd":1,"fxRate":150}""", HttpStatusCode.UnprocessableEntity, "month" },
        { "amount as text", "payments", """{"invoiceNumber":"INV-X","paidOn":"2026-06-01","amount":"a lot"}""", HttpStatusCode.BadRequest, "amount" },
        { "no such invoice", "payments", """{"invoiceNumber":"INV-X","paidOn":"2026-06-01","amount":1000}""", HttpStatusCode.UnprocessableEntity, "invoiceNumber" },
        { "no plans on eclect-aws", "plan-changes", """{"effectiveFrom":"2026-07-01","plan":"basic","components":1}""", HttpStatusCode.UnprocessableEntity, "plan" },
        { "no extension on eclect-aws", "extension-requests", """{"requestDate":"2026-06-01","newEnd":"2028-03-31"}""", HttpStatusCode.UnprocessableEntity, "product" },
        { "unknown provider rule", "provider-notices", """{"rule":"whim","noticeDate":"2026-06-01"}""", HttpStatusCode.UnprocessableEntity, "rule" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadInput_IsA4xxProblemNamingTheField_AndChangesNothing(string why, string resource, string body, HttpStatusCode status, string field)
    {
        await RegisterAsync("BAD");
        var before = await SnapshotAsync("BAD");
        var response = await server.PostAsync($"/api/v1/contracts/BAD/{resource}", body);
        var problem = await ApiTestServer.JsonAsync(response);

        Assert.True(status == response.StatusCode, $"{why}: {(int)response.StatusCode} {problem}");
        Assert.Equal("application/problem+json", ApiTestServer.ContentType(response)!.MediaType);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("reason").GetString()), why);
        Assert.Equal(before, await SnapshotAsync("BAD"));
    }

    [Theory]
    [InlineData(null, 8 * (50_000 + 22 * 21_000))]                                 // volume: 22 × 21,000
    [InlineData("graduated", 8 * (50_000 + 5 * 30_000 + 15 * 25_000 + 2 * 21_000))]
    [InlineData("volume", 8 * (50_000 + 22 * 21_000))]
    public async Task Registration_ComponentPricing_PricesTheEarlyTerminationQuote(string? pricing, long expected)
    {
        var id = $"OPT-{pricing ?? "default"}";
        var setting = pricing is null ? string.Empty : $$$""","componentPricing":"{{{pricing}}}" """;
        await RegisterAsync(id, $$$"""{"contractId":"{{{id}}}","product":"optage-neutrix","startDate":"2026-06-01","plan":"premium","components":22,"windows":true{{{setting}}},"customer":{"name":"株式会社サンプル","email":"ops@example.jp"}}""");

        // Ends 2026-09-30 inside the minimum term (to 2027-05-31): October–May, 8 months owed (§11-2).
        var quote = await ApiTestServer.JsonAsync(await server.GetAsync($"/api/v1/contracts/{id}/quotes/cancellation?notice=2026-06-15&requested=2026-09-30"));

        var charge = quote.GetProperty("charges").EnumerateArray().Single();
        Assert.Equal(("§11-2", expected), (charge.GetProperty("clause").GetString(), charge.GetProperty("amount").GetInt64()));
    }

    [Theory]
    [InlineData("optage-storage", "\"tiered\"", HttpStatusCode.BadRequest)]
    [InlineData("optage-storage", "1", HttpStatusCode.BadRequest)]
    [InlineData("eclect-aws", "\"graduated\"", HttpStatusCode.UnprocessableEntity)]
    public async Task Registration_BadComponentPricing_IsRefusedNamingTheField(string product, string value, HttpStatusCode status)
    {
        var plan = product.StartsWith("optage", StringComparison.Ordinal) ? ""","plan":"standard","components":6""" : string.Empty;
        var response = await server.PostAsync("/api/v1/contracts", $$$"""{"contractId":"BAD-CP","product":"{{{product}}}","startDate":"2026-06-01"{{{plan}}},"componentPricing":{{{value}}},"customer":{"name":"株式会社サンプル","email":"ops@example.jp"}}""");
        var problem = await ApiTestServer.JsonAsync(response);

        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode} {problem}");
        Assert.Equal("componentPricing", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task ContractRuleRefusal_NamesTheClause()
    {
        await RegisterAsync("C-6");
        var response = await server.PostAsync("/api/v1/contracts/C-6/cancellation-requests", """{"noticeDate":"2026-06-10","requestedDate":"2026-07-21"}""");
        var problem = await ApiTestServer.JsonAsync(response);

        Assert.Equal("§27-1", problem.GetProperty("clause").GetString());
        Assert.Equal("urn:cloudlifecycle:problem:contract-rule", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task SecondCancellation_IsAConflictWithTheFirstOnesClause_AndChangesNothing()
    {
        await RegisterAsync("C-7");
        await server.PostAsync("/api/v1/contracts/C-7/cancellation-requests", """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20"}""");
        var before = await SnapshotAsync("C-7");
        var second = await server.PostAsync("/api/v1/contracts/C-7/cancellation-requests", """{"noticeDate":"2026-06-12","requestedDate":"2026-08-20"}""");
        var problem = await ApiTestServer.JsonAsync(second);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("cancellation", problem.GetProperty("field").GetString());
        Assert.Equal("§27-1", problem.GetProperty("clause").GetString());
        Assert.Equal(before, await SnapshotAsync("C-7"));
        var quote = await server.GetAsync("/api/v1/contracts/C-7/quotes/cancellation?notice=2026-06-12&requested=2026-08-20");
        Assert.Equal(HttpStatusCode.Conflict, quote.StatusCode); // the what-if refuses as the request would
    }

    [Fact]
    public async Task NecExtension_IsPendingUntilNecDecides_ThenTheAgreedEndAndBaseFeeHold()
    {
        await RegisterAsync("NEC-X", """{"contractId":"NEC-X","product":"nec-express5800","startDate":"2026-04-01","endDate":"2028-03-31","baseFee":120000,"unitPrice":3000,"customer":{"name":"株式会社サンプル","email":"ops@example.jp"}}""");
        var early = await server.PostAsync("/api/v1/contracts/NEC-X/extension-decisions", """{"decidedOn":"2026-06-10","approved":false}""");
        Assert.Equal((HttpStatusCode.Conflict, "extension", "§2-3"), await ProblemAsync(early));

        // §2-3: asked by the deadline (2027-02-28), recorded as pending; the usage period still ends on 2028-03-31.
        var requested = await server.PostAsync("/api/v1/contracts/NEC-X/extension-requests", """{"requestDate":"2026-06-01","newEnd":"2029-03-31"}""");
        var accepted = await ApiTestServer.JsonAsync(requested);
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        Assert.Equal("pending", accepted.GetProperty("extension").GetProperty("outcome").GetString());
        Assert.Contains("pending", accepted.GetProperty("consequence").GetProperty("summary").GetProperty("en").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(accepted.GetProperty("upcomingDeadlines").EnumerateArray(), d => d.GetProperty("kind").GetString() == "extensionDeadline");
        var pending = await ApiTestServer.JsonAsync(await server.GetAsync("/api/v1/contracts/NEC-X"));
        Assert.Equal("2028-03-31", pending.GetProperty("endDate").GetString());
        Assert.Equal(("pending", "2029-03-31"), (pending.GetProperty("extensionRequest").GetProperty("outcome").GetString(), pending.GetProperty("extensionRequest").GetProperty("requestedEnd").GetString()));

        var second = await server.PostAsync("/api/v1/contracts/NEC-X/extension-requests", """{"requestDate":"2026-06-02","newEnd":"2028-09-30"}""");
        var withoutEnd = await server.PostAsync("/api/v1/contracts/NEC-X/extension-decisions", """{"decidedOn":"2026-06-10","approved":true,"newBaseFee":130000}""");
        var notLater = await server.PostAsync("/api/v1/contracts/NEC-X/extension-decisions", """{"decidedOn":"2026-06-10","approved":true,"newEnd":"2028-03-31"}""");
        Assert.Equal((HttpStatusCode.Conflict, "extension", "§2-3"), await ProblemAsync(second));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "newEnd", "§2-3"), await ProblemAsync(withoutEnd));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "newEnd", "§2-3"), await ProblemAsync(notLater));

        // 「両社にて調整」: NEC approves 2028-09-30 at ¥130,000 a month from the day after the old end.
        var approved = await server.PostAsync("/api/v1/contracts/NEC-X/extension-decisions", """{"decidedOn":"2026-06-10","approved":true,"newEnd":"2028-09-30","newBaseFee":"130000"}""");
        var consequence = (await ApiTestServer.JsonAsync(approved)).GetProperty("consequence");
        Assert.Equal(HttpStatusCode.Accepted, approved.StatusCode);
        Assert.Equal(("2028-09-30", "§2-3"), (consequence.GetProperty("effectiveDate").GetString(), consequence.GetProperty("clause").GetString()));
        var contract = await ApiTestServer.JsonAsync(await server.GetAsync("/api/v1/contracts/NEC-X"));
        Assert.Equal("2028-09-30", contract.GetProperty("endDate").GetString());
        Assert.Equal("approved", contract.GetProperty("extensionRequest").GetProperty("outcome").GetString());
        var price = contract.GetProperty("prices").EnumerateArray().Single();
        Assert.Equal(("2028-04-01", 130_000m), (price.GetProperty("effectiveFrom").GetString(), price.GetProperty("baseFee").GetDecimal()));
        Assert.Contains(contract.GetProperty("history").EnumerateArray(), h => h.GetProperty("kind").GetString() == "extensionApproved" && h.GetProperty("clause").GetString() == "§2-3");
        var again = await server.PostAsync("/api/v1/contracts/NEC-X/extension-decisions", """{"decidedOn":"2026-06-11","approved":false}""");
        Assert.Equal((HttpStatusCode.Conflict, "extension", "§2-3"), await ProblemAsync(again));
    }

    private static async Task<(HttpStatusCode Status, string? Field, string? Clause)> ProblemAsync(HttpResponseMessage response)
    {
        var problem = await ApiTestServer.JsonAsync(response);
        return (response.StatusCode, problem.GetProperty("field").GetString(), problem.TryGetProperty("clause", out var clause) ? clause.GetString() : null);
    }

    [Fact]
    public async Task TransportErrors_AreProblemsToo()
    {
        await RegisterAsync("C-8");
        var oversize = await server.PostAsync("/api/v1/contracts/C-8/usage", $$"""{"month":"2026-05","awsUsageUsd":"{{new string('9', CrmApiOptions.DefaultMaxBodyBytes)}}"}""");
        var noKey = await server.PostAsync("/api/v1/contracts/C-8/usage", """{"month":"2026-05"}""", configure: r => r.Headers.Remove(CrmApi.IdempotencyKeyHeader));
        var text = await server.PostAsync("/api/v1/contracts/C-8/usage", "month=2026-05", configure: r => r.Content!.Headers.ContentType = new("text/plain"));
        var unknownRoute = await server.GetAsync("/api/v1/contract/C-8");
        var wrongMethod = await server.GetAsync("/api/v1/contracts/C-8/usage");
        var unknownQuery = await server.GetAsync("/api/v1/contracts?colour=red");
        var missingQuery = await server.GetAsync("/api/v1/contracts/C-8/quotes/cancellation?notice=2026-06-10");
        var noContract = await server.PostAsync("/api/v1/contracts/NOPE/usage", """{"month":"2026-05","awsUsageUsd":1,"fxRate":150}""");
        var duplicate = await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("C-8"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversize.StatusCode);
        Assert.Equal("Idempotency-Key", (await ApiTestServer.JsonAsync(noKey)).GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownRoute.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("POST", wrongMethod.Content.Headers.Allow.Single());
        Assert.Equal("colour", (await ApiTestServer.JsonAsync(unknownQuery)).GetProperty("field").GetString());
        Assert.Equal("requested", (await ApiTestServer.JsonAsync(missingQuery)).GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NotFound, noContract.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        foreach (var response in new[] { oversize, noKey, text, unknownRoute, wrongMethod, unknownQuery, missingQuery, noContract, duplicate })
        {
            Assert.Equal("application/problem+json", ApiTestServer.ContentType(response)!.MediaType);
        }
    }

    [Fact]
    public async Task RegistrationRefusals_NameTheBodysMembers()
    {
        var unknownProduct = await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("R-1", product: "aws-anything"));
        var badEmail = await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("R-2").Replace("ops@example.jp", "not-an-address", StringComparison.Ordinal));
        var necWithoutEnd = await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("R-3", product: "nec-express5800"));
        var missingCustomerEmail = await server.PostAsync("/api/v1/contracts", """{"contractId":"R-4","product":"eclect-aws","startDate":"2026-03-25","customer":{"name":"x"}}""");
        var languageAsNumber = await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("R-5").Replace("\"ja\"", "0", StringComparison.Ordinal));
        var endBeforeStart = await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("R-6").Replace("\"customer\"", "\"endDate\":\"2026-01-01\",\"customer\"", StringComparison.Ordinal));

        Assert.Equal((HttpStatusCode.BadRequest, "product"), (unknownProduct.StatusCode, (await ApiTestServer.JsonAsync(unknownProduct)).GetProperty("field").GetString()));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "customer.email"), (badEmail.StatusCode, (await ApiTestServer.JsonAsync(badEmail)).GetProperty("field").GetString()));
        var nec = await ApiTestServer.JsonAsync(necWithoutEnd);
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "endDate", "§2-2"), (necWithoutEnd.StatusCode, nec.GetProperty("field").GetString(), nec.GetProperty("clause").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, "customer.email"), (missingCustomerEmail.StatusCode, (await ApiTestServer.JsonAsync(missingCustomerEmail)).GetProperty("field").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, "customer.language"), (languageAsNumber.StatusCode, (await ApiTestServer.JsonAsync(languageAsNumber)).GetProperty("field").GetString()));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "endDate"), (endBeforeStart.StatusCode, (await ApiTestServer.JsonAsync(endBeforeStart)).GetProperty("field").GetString()));
        var list = await ApiTestServer.JsonAsync(await server.GetAsync("/api/v1/contracts"));
        Assert.Equal(0, list.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task ConcurrentEventsOnOneContract_AreAllKept()
    {
        await RegisterAsync("C-9", ApiTestServer.Smallest("C-9", startDate: "2024-03-25"));
        var months = Enumerable.Range(0, 24).Select(i => new YearMonth(2024, 4).PlusMonths(i)).ToList();
        var responses = await Task.WhenAll(months.Select(m => server.PostAsync("/api/v1/contracts/C-9/usage", $$"""{"month":"{{m:uuuu-MM}}","awsUsageUsd":100,"fxRate":150}""")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var stored = (await server.Stores.Contracts.GetAsync("C-9"))!.State;
        Assert.Equal(months.Order(), stored.Usage.Select(u => u.Month).Order());
        Assert.Equal(1 + months.Count, stored.Version);
    }

    [Fact]
    public async Task IfMatch_RefusesAChangeOnAStaleRead()
    {
        await RegisterAsync("C-10");
        var read = await server.GetAsync("/api/v1/contracts/C-10");
        var etag = read.Headers.ETag!;
        await server.PostAsync("/api/v1/contracts/C-10/usage", """{"month":"2026-05","awsUsageUsd":1,"fxRate":150}""");
        var stale = await server.PostAsync("/api/v1/contracts/C-10/cancellation-requests", """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20"}""", configure: r => r.Headers.IfMatch.Add(etag));
        var fresh = await server.PostAsync("/api/v1/contracts/C-10/cancellation-requests", """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20"}""", configure: r => r.Headers.IfMatch.Add(new("\"2\"")));

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, fresh.StatusCode);
    }

    [Fact]
    public async Task List_FiltersByProductStateAndDeadlineWindow_AndPages()
    {
        await RegisterAsync("L-ECL-1");
        await RegisterAsync("L-ECL-2");
        await RegisterAsync("L-NTX", """{"contractId":"L-NTX","product":"optage-neutrix","startDate":"2026-04-01","customer":{"name":"n","email":"n@example.jp"},"plan":"standard","components":2}""");
        await server.PostAsync("/api/v1/contracts/L-ECL-2/cancellation-requests", """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20"}""");

        async Task<List<string>> Ids(string query) =>
            (await ApiTestServer.JsonAsync(await server.GetAsync("/api/v1/contracts" + query))).GetProperty("contracts").EnumerateArray().Select(c => c.GetProperty("contractId").GetString()!).ToList();

        Assert.Equal(["L-ECL-1", "L-ECL-2", "L-NTX"], await Ids(""));
        Assert.Equal(["L-ECL-1", "L-ECL-2"], await Ids("?product=eclect-aws"));
        Assert.Equal(["L-ECL-2"], await Ids("?state=ending"));
        // Today (2026-06-15) is L-ECL-1's notice deadline for 07-20 (§27-1).
        Assert.Contains("L-ECL-1", await Ids("?deadlineWithin=0"));
        var page = await ApiTestServer.JsonAsync(await server.GetAsync("/api/v1/contracts?limit=2"));
        Assert.Equal("L-ECL-2", page.GetProperty("next").GetString());
        Assert.Equal(["L-NTX"], await Ids("?after=L-ECL-2"));
        Assert.Equal(HttpStatusCode.BadRequest, (await server.GetAsync("/api/v1/contracts?state=sleeping")).StatusCode);
    }

    [Fact]
    public async Task Calendar_IsAnICalendarFeed_ReadableWithTheContractsToken()
    {
        var contract = await RegisterAsync("C-11");
        // Without CloudLifecycle:PublicBaseUrl the link is relative to the API's own address.
        var subscription = new Uri(new Uri("http://api.invalid"), contract.GetProperty("links").GetProperty("calendarSubscription").GetString()!);
        var withToken = await server.GetAsync(subscription.PathAndQuery, r => r.Headers.Remove(CrmApi.ApiKeyHeader));
        var ics = await withToken.Content.ReadAsStringAsync();
        var wrongToken = await server.GetAsync("/api/v1/contracts/C-11/calendar.ics?token=AAAAAAAAAAAAAAAAAAAAAAAA", r => r.Headers.Remove(CrmApi.ApiKeyHeader));
        var otherContract = await RegisterAsync("C-12");
        var tokenOfAnother = await server.GetAsync("/api/v1/contracts/C-11/calendar.ics?" + new Uri(new Uri("http://api.invalid"), otherContract.GetProperty("links").GetProperty("calendarSubscription").GetString()!).Query.TrimStart('?'), r => r.Headers.Remove(CrmApi.ApiKeyHeader));

        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        Assert.Equal("text/calendar", ApiTestServer.ContentType(withToken)!.MediaType);
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("DTSTART;VALUE=DATE:20260615", ics, StringComparison.Ordinal);
        Assert.Contains("(§27-1)", ics.Replace("\r\n ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, tokenOfAnother.StatusCode);
    }

    [Fact]
    public async Task Timeline_DrawsEveryMilestoneNoticeAndInvoiceWithItsClause()
    {
        await RegisterAsync("C-13");
        var response = await server.GetAsync("/api/v1/contracts/C-13/timeline?lang=en");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/html", ApiTestServer.ContentType(response)!.MediaType);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("class=\"mark milestone\" data-date=\"2026-03-25\" data-clause=\"§3-3\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"mark notice planned\"", html, StringComparison.Ordinal); // the registration notice, not yet sent
        Assert.Contains("class=\"mark milestone planned\" data-date=\"2026-07-20\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BillingRun_InvoicesTheMonth_AndTheInvoiceIsServedAsJsonAndHtml()
    {
        await RegisterAsync("C-14");
        await server.PostAsync("/api/v1/contracts/C-14/usage", """{"month":"2026-05","awsUsageUsd":"1000","fxRate":"150"}""");
        var tooEarly = await server.PostAsync("/api/v1/billing-runs", """{"month":"2026-06"}""");
        var started = await server.PostAsync("/api/v1/billing-runs", """{"month":"2026-05"}""");
        await server.Runs.WhenIdleAsync();
        var run = await ApiTestServer.JsonAsync(await server.GetAsync("/api/v1/billing-runs/2026-05"));

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "month"), (tooEarly.StatusCode, (await ApiTestServer.JsonAsync(tooEarly)).GetProperty("field").GetString()));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("/api/v1/billing-runs/2026-05", started.Headers.Location!.OriginalString);
        Assert.Equal("completed", run.GetProperty("state").GetString());
        Assert.Equal(1, run.GetProperty("invoiced").GetInt32());
        var invoices = await ApiTestServer.JsonAsync(await server.GetAsync("/api/v1/contracts/C-14/invoices"));
        var row = invoices.GetProperty("invoices").EnumerateArray().Single(i => i.GetProperty("month").GetString() == "2026-05");
        Assert.Equal("INV-C-14-202605", row.GetProperty("number").GetString());
        Assert.Equal(row.GetProperty("total").GetInt64(), row.GetProperty("outstanding").GetInt64());
        var json = await ApiTestServer.JsonAsync(await server.GetAsync("/api/v1/invoices/INV-C-14-202605"));
        Assert.Equal(row.GetProperty("total").GetInt64(), json.GetProperty("total").GetInt64());
        var html = await server.GetAsync("/api/v1/invoices/INV-C-14-202605", r => r.Headers.Accept.ParseAdd("text/html"));
        Assert.Equal("text/html", ApiTestServer.ContentType(html)!.MediaType);
        Assert.Contains("INV-C-14-202605", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await server.GetAsync("/api/v1/invoices/INV-NONE-202605")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.GetAsync("/api/v1/billing-runs/2026-04")).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_ListsEveryOperation_WithStrictRequestSchemas()
    {
        var document = await ApiTestServer.JsonAsync(await server.GetAsync(CrmApiOptions.OpenApiPath));
        var paths = document.GetProperty("paths");
        var operations = paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}")).ToList();

        Assert.Equal("3.1.0", document.GetProperty("openapi").GetString());
        Assert.Equal(22, operations.Count);
        foreach (var expected in new[]
        {
            "POST /api/v1/contracts", "GET /api/v1/contracts", "GET /api/v1/contracts/{id}", "POST /api/v1/contracts/{id}/cancellation-requests",
            "POST /api/v1/contracts/{id}/extension-requests", "POST /api/v1/contracts/{id}/extension-decisions", "POST /api/v1/contracts/{id}/plan-changes", "POST /api/v1/contracts/{id}/usage",
            "POST /api/v1/contracts/{id}/outages", "POST /api/v1/contracts/{id}/payments", "POST /api/v1/contracts/{id}/provider-notices",
            "GET /api/v1/contracts/{id}/quotes/cancellation", "GET /api/v1/contracts/{id}/invoices", "GET /api/v1/invoices/{number}",
            "GET /api/v1/contracts/{id}/calendar.ics", "GET /api/v1/contracts/{id}/timeline", "GET /api/v1/contracts/{id}/events", "POST /api/v1/billing-runs", "GET /api/v1/billing-runs/{month}", "GET /api/v1/journal",
            "POST /api/v1/invoices/{number}/corrections", "GET /api/v1/webhooks/deliveries",
        })
        {
            Assert.Contains(expected, operations);
        }

        // Request and response schemas are named components, referenced from the operations.
        JsonElement Resolve(JsonElement schema) => document.GetProperty("components").GetProperty("schemas").GetProperty(schema.GetProperty("$ref").GetString()!["#/components/schemas/".Length..]);
        var register = Resolve(paths.GetProperty("/api/v1/contracts").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Equal(["contractId", "customer", "product", "startDate"], register.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).Order(StringComparer.Ordinal));
        Assert.False(register.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal("date", register.GetProperty("properties").GetProperty("startDate").GetProperty("format").GetString());
        var pricing = register.GetProperty("properties").GetProperty("componentPricing");
        Assert.Equal(["volume", "graduated"], pricing.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal("volume", pricing.GetProperty("default").GetString());
        Assert.Contains("別表2", pricing.GetProperty("description").GetString(), StringComparison.Ordinal);
        var decision = Resolve(paths.GetProperty("/api/v1/contracts/{id}/extension-decisions").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Equal(["approved", "decidedOn"], decision.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(["approved", "decidedOn", "newBaseFee", "newEnd", "newUnitPrice"], decision.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }
}
