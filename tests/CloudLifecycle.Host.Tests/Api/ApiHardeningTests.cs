using System.Net;
using System.Text;
using CloudLifecycle.Api;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Lifecycle;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace CloudLifecycle.Tests.Api;

/// <summary>
/// Issue 13 §5, §8 and §9 as a CRM (or an attacker) meets them: ids with '/', absurd amounts, the
/// calendar link and the Host header, the headers of HTML pages, CORS, short API keys, logged 5xx.
/// </summary>
public sealed class ApiHardeningTests : IAsyncLifetime
{
    private ApiTestServer server = null!;

    public async Task InitializeAsync()
    {
        server = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 15));
        var registered = await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("C-1"));
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    public static TheoryData<string, string> SlashIds => new()
    {
        { "GET", "/api/v1/contracts/C-1%2Fx" },
        { "GET", "/api/v1/contracts/C-1%252Fx" },
        { "GET", "/api/v1/contracts/%2F/timeline" },
        { "GET", "/api/v1/contracts/a%2Fb/calendar.ics" },
        { "GET", "/api/v1/contracts/a%252Fb/invoices" },
        { "GET", "/api/v1/contracts/a%2Fb/quotes/cancellation?notice=2026-06-10&requested=2026-07-20" },
        { "POST", "/api/v1/contracts/C-1%2Fx/usage" },
        { "POST", "/api/v1/contracts/C-1%252Fx/usage" },
        { "POST", "/api/v1/contracts/%E5%A5%91%E7%B4%84/usage" },
        { "POST", "/api/v1/contracts/C-1%0A/usage" },
    };

    [Theory]
    [MemberData(nameof(SlashIds))]
    public async Task AnIdThatCannotNameAContract_IsA400NamingTheId(string method, string path)
    {
        var response = method == "GET"
            ? await server.GetAsync(path)
            : await server.PostAsync(path, """{"month":"2026-05","awsUsageUsd":1,"fxRate":150}""");
        var problem = await ApiTestServer.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("id", problem.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("INV-C-1%2F-202605")]
    [InlineData("INV-C-1%252F-202605")]
    [InlineData("..%2F..%2Fsecrets")]
    public async Task AnInvoiceNumberThatCannotBeOne_IsA400NamingTheNumber(string number)
    {
        var response = await server.GetAsync("/api/v1/invoices/" + number);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("number", (await ApiTestServer.JsonAsync(response)).GetProperty("field").GetString());
    }

    [Fact]
    public async Task ARouteValueIsNotDecodedTwice()
    {
        // %2543 is "%43" once decoded by the server: decoding it again would read "C" and find contract "C-1".
        var response = await server.GetAsync("/api/v1/contracts/%2543-1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ABaseFeeOfDecimalMax_IsA422NamingBaseFee_NotA500()
    {
        var body = """{"contractId":"N-1","product":"nec-express5800","startDate":"2026-04-01","endDate":"2031-03-31","customer":{"name":"x","email":"x@example.jp"},"baseFee":79228162514264337593543950335,"unitPrice":180}""";

        var response = await server.PostAsync("/api/v1/contracts", body);
        var problem = await ApiTestServer.JsonAsync(response);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("baseFee", problem.GetProperty("field").GetString());
        Assert.Equal("urn:cloudlifecycle:problem:out-of-bounds", problem.GetProperty("type").GetString());
        Assert.Null(await server.Stores.Contracts.GetAsync("N-1"));
    }

    public static TheoryData<string, string, string> OutOfBounds => new()
    {
        { "usage", """{"month":"2026-05","awsUsageUsd":79228162514264337593543950335,"fxRate":150}""", "awsUsageUsd" },
        { "usage", """{"month":"2026-05","awsUsageUsd":"10000000000.01","fxRate":150}""", "awsUsageUsd" },
        { "usage", """{"month":"2026-05","awsUsageUsd":1,"fxRate":0}""", "fxRate" },
        { "usage", """{"month":"2026-05","awsUsageUsd":1,"fxRate":10001}""", "fxRate" },
        { "usage", """{"month":"2026-05","awsUsageJpy":1000000000001}""", "awsUsageJpy" },
        { "outages", """{"month":"2026-05","hours":745}""", "hours" },
        { "payments", """{"invoiceNumber":"INV-C-1-202605","paidOn":"2026-06-01","amount":1000000000001}""", "amount" },
    };

    [Theory]
    [MemberData(nameof(OutOfBounds))]
    public async Task AFigureOutsideItsBound_IsA422NamingTheMember_AndNothingIsStored(string resource, string body, string field)
    {
        var before = (await server.Stores.Contracts.GetAsync("C-1"))!.State.Version;

        var response = await server.PostAsync($"/api/v1/contracts/C-1/{resource}", body);
        var problem = await ApiTestServer.JsonAsync(response);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Contains("out of bounds", problem.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, (await server.Stores.Contracts.GetAsync("C-1"))!.State.Version);
    }

    public static TheoryData<string, string> Edges => new()
    {
        { "eclect-aws", "2001-01-01" }, { "eclect-aws", "2095-12-31" },
        { "nec-express5800", "2001-01-01" }, { "nec-express5800", "2095-01-01" },
        { "ntt-east-aws-ops", "2001-01-01" }, { "ntt-east-aws-ops", "2095-12-31" },
        { "optage-neutrix", "2001-01-01" }, { "optage-neutrix", "2095-12-31" },
        { "optage-storage", "2001-01-01" }, { "optage-storage", "2095-12-31" },
    };

    [Theory]
    [MemberData(nameof(Edges))]
    public async Task ContractsAtTheEdgesOfTheDateBounds_AreAnsweredWithoutA5xx(string product, string start)
    {
        var id = $"E-{product}-{start}";
        var plan = product.StartsWith("optage", StringComparison.Ordinal) || product == "ntt-east-aws-ops" ? ",\"plan\":\"standard\",\"components\":2" : string.Empty;
        var nec = product == "nec-express5800" ? ",\"endDate\":\"2095-12-31\",\"baseFee\":120000,\"unitPrice\":180" : string.Empty;
        var registered = await server.PostAsync("/api/v1/contracts",
            $$"""{"contractId":"{{id}}","product":"{{product}}","startDate":"{{start}}","customer":{"name":"x","email":"x@example.jp"}{{plan}}{{nec}}}""");
        var answers = new List<HttpResponseMessage>
        {
            registered,
            await server.GetAsync($"/api/v1/contracts/{id}"),
            await server.GetAsync($"/api/v1/contracts/{id}/timeline"),
            await server.GetAsync($"/api/v1/contracts/{id}/calendar.ics"),
            await server.GetAsync($"/api/v1/contracts/{id}/quotes/cancellation?notice=2095-12-31&requested=2095-12-31"),
            await server.GetAsync($"/api/v1/contracts/{id}/quotes/cancellation?notice=2001-01-01&requested=2001-01-20"),
            await server.PostAsync($"/api/v1/contracts/{id}/plan-changes", """{"effectiveFrom":"2095-12-31","plan":"advanced","components":3}"""),
            await server.PostAsync($"/api/v1/contracts/{id}/usage", """{"month":"2095-12","awsUsageUsd":1,"fxRate":150,"quantity":1}"""),
            await server.PostAsync($"/api/v1/contracts/{id}/extension-requests", """{"requestDate":"2026-06-01","newEnd":"2095-12-31"}"""),
            await server.PostAsync($"/api/v1/contracts/{id}/outages", """{"month":"2095-12","hours":744,"knownOn":"2095-12-01","appliedOn":"2095-12-31"}"""),
            await server.PostAsync($"/api/v1/contracts/{id}/provider-notices", """{"rule":"provider-termination","noticeDate":"2001-01-01"}"""),
            await server.PostAsync($"/api/v1/contracts/{id}/cancellation-requests", """{"noticeDate":"2001-01-01","requestedDate":"2095-12-31"}"""),
        };

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.All(answers, a => Assert.True((int)a.StatusCode < 500, $"{a.RequestMessage!.Method} {a.RequestMessage.RequestUri}: {(int)a.StatusCode} {a.Content.ReadAsStringAsync().Result}"));
    }

    [Fact]
    public async Task TheCalendarLink_NeverComesFromTheHostHeader()
    {
        var response = await server.GetAsync("/api/v1/contracts/C-1", r => r.Headers.Host = "evil.example");
        var link = (await ApiTestServer.JsonAsync(response)).GetProperty("links").GetProperty("calendarSubscription").GetString()!;

        Assert.DoesNotContain("evil.example", link, StringComparison.Ordinal);
        Assert.StartsWith("/api/v1/contracts/C-1/calendar.ics?token=", link, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCalendarLink_IsBuiltFromTheConfiguredPublicBaseUrl()
    {
        await using var configured = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 15),
            configure: o => o with { PublicBaseUrl = new Uri("https://crm-api.example.jp/") });
        var response = await configured.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("C-2"), configure: r => r.Headers.Host = "evil.example");
        var link = (await ApiTestServer.JsonAsync(response)).GetProperty("links").GetProperty("calendarSubscription").GetString()!;

        Assert.StartsWith("https://crm-api.example.jp/api/v1/contracts/C-2/calendar.ics?token=", link, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HtmlPages_CarryNosniff_ARestrictiveContentSecurityPolicy_AndNoFraming()
    {
        var timeline = await server.GetAsync("/api/v1/contracts/C-1/timeline");
        var json = await server.GetAsync("/api/v1/contracts/C-1");

        Assert.Equal("text/html", ApiTestServer.ContentType(timeline)!.MediaType);
        Assert.Equal("nosniff", timeline.Headers.GetValues("X-Content-Type-Options").Single());
        var policy = timeline.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("style-src 'unsafe-inline'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", json.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", json.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cors_IsOffUnlessOriginsAreConfigured()
    {
        var get = await server.GetAsync("/api/v1/contracts/C-1", r => r.Headers.Add("Origin", "https://crm.example.jp"));
        var preflight = await server.Client.SendAsync(Preflight("https://crm.example.jp"));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.False(get.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.True((int)preflight.StatusCode is >= 400 and < 500);
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Cors_AllowsExactlyTheConfiguredOrigins()
    {
        await using var configured = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 15),
            configure: o => o with { CorsOrigins = ["https://crm.example.jp"] });

        var preflight = await configured.Client.SendAsync(Preflight("https://crm.example.jp"));
        var listed = await configured.GetAsync("/api/v1/contracts", r => r.Headers.Add("Origin", "https://crm.example.jp"));
        var other = await configured.GetAsync("/api/v1/contracts", r => r.Headers.Add("Origin", "https://evil.example"));
        var otherPreflight = await configured.Client.SendAsync(Preflight("https://evil.example"));

        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal("https://crm.example.jp", preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("X-Api-Key", preflight.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.Ordinal);
        Assert.Equal("https://crm.example.jp", listed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("ETag", listed.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(otherPreflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(listed.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("dev-key-change-me")]
    [InlineData("0123456789012345678901234567890")]
    public void AnApiKeyShorterThan32Characters_IsRefusedNamingTheSetting(string key)
    {
        var options = new CrmApiOptions { ApiKeys = [ApiTestServer.Key, key], DefaultIssuer = ApiTestServer.Issuer };

        var refused = Assert.Throws<InvalidOperationException>(() => new CrmApi(options, InMemoryStores.Create(), new ContractWorkflow(InMemoryStores.Create(), SystemClock.Instance), new NoRuns()));

        Assert.Contains("CloudLifecycle:ApiKeys:1", refused.Message, StringComparison.Ordinal);
        Assert.Contains("at least 32", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryAnswered5xx_IsLogged_WithoutInternalsInTheAnswer()
    {
        var stores = InMemoryStores.Create() with { Contracts = new BrokenContracts() };
        var log = new ListLogger();
        using var api = new CrmApi(new CrmApiOptions { ApiKeys = [ApiTestServer.Key], DefaultIssuer = ApiTestServer.Issuer }, stores,
            new ContractWorkflow(stores, SystemClock.Instance), new NoRuns(), log);
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/api/v1/contracts/C-1";
        context.Request.Headers[CrmApi.ApiKeyHeader] = ApiTestServer.Key;
        context.Response.Body = new MemoryStream();

        await api.HandleAsync(context);

        Assert.Equal(500, context.Response.StatusCode);
        Assert.DoesNotContain("table is on fire", Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()), StringComparison.Ordinal);
        var entry = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains("/api/v1/contracts/C-1", entry.Message, StringComparison.Ordinal);
        Assert.Contains("500", entry.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(entry.Exception);
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/contracts");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "x-api-key, content-type, idempotency-key");
        return request;
    }

    /// <summary>A contract store whose table is unreachable.</summary>
    private sealed class BrokenContracts : IContractStore
    {
        public Task<StoredContract?> GetAsync(string contractId, CancellationToken cancellationToken = default) => throw new IOException("table is on fire");

        public Task<bool> TryCreateAsync(ContractState state, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default) => throw new IOException("table is on fire");

        public Task<string> ReplaceAsync(ContractState state, string etag, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default) => throw new IOException("table is on fire");

        public Task<ReplaceManyResult> ReplaceManyAsync(IReadOnlyList<StoredContract> states, CancellationToken cancellationToken = default) => throw new IOException("table is on fire");

        public IAsyncEnumerable<IReadOnlyList<StoredContract>> ScanAsync(int pageSize, CancellationToken cancellationToken = default) => throw new IOException("table is on fire");
    }

    private sealed class NoRuns : IBillingRuns
    {
        public Task<BillingRunStatus> StartAsync(YearMonth month, CancellationToken cancellationToken = default) => throw new InvalidOperationException("no runs here");

        public Task<BillingRunStatus?> GetAsync(YearMonth month, CancellationToken cancellationToken = default) => Task.FromResult<BillingRunStatus?>(null);
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception), exception));
    }
}
