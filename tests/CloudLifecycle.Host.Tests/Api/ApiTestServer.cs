using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CloudLifecycle.Api;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Host.Cli;
using CloudLifecycle.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;

namespace CloudLifecycle.Tests.Api;

/// <summary>
/// The CRM API as the local host serves it (<see cref="ApiHost"/>), in the ASP.NET Core test server,
/// over the stores a test gives it (in memory, or Azurite) and a clock the test moves.
/// </summary>
internal sealed class ApiTestServer : IAsyncDisposable
{
    /// <summary>API keys are at least 32 characters (issue 13 §9): these are 40.</summary>
    public const string Key = "test-key-7f3a9c2e41-5b0d8e6a2c4f1937ab52";

    public const string SecondKey = "second-key-55aa-9d3c7e1b4f60a28c5e7d13b9";
    public static readonly Issuer Issuer = new("テスト請求株式会社", "T1234567890123");

    private readonly WebApplication app;
    private readonly CrmApi api;

    private ApiTestServer(LifecycleStores stores, FakeClock clock, int maxBodyBytes, Func<CrmApiOptions, CrmApiOptions>? configure, ILogger? logger)
    {
        Stores = stores;
        Clock = clock;
        Workflow = new ContractWorkflow(stores, clock);
        Runs = new BackgroundBillingRuns(stores, Workflow, clock, ThreadPoolBackgroundWork.Instance);
        // As both hosts configure it (LifecycleSettings.ApiOptions): invoices are also answered as PDF.
        var options = new CrmApiOptions { ApiKeys = [Key, SecondKey], DefaultIssuer = Issuer, MaxBodyBytes = maxBodyBytes, InvoicePdf = new CloudLifecycle.Adapters.Pdf.PdfSharpInvoiceRenderer(), Clock = clock };
        api = new CrmApi(configure?.Invoke(options) ?? options, stores, Workflow, Runs, logger);
        app = ApiHost.Build(api, ["http://127.0.0.1:0"], builder => builder.WebHost.UseTestServer());
        Client = null!;
    }

    public LifecycleStores Stores { get; }

    public FakeClock Clock { get; }

    public ContractWorkflow Workflow { get; }

    public BackgroundBillingRuns Runs { get; }

    public HttpClient Client { get; private set; }

    /// <summary>The test server itself, for requests an HttpClient would not send (any method, path, header or body).</summary>
    public TestServer Server => app.GetTestServer();

    /// <summary>Today in Tokyo for the API (09:00 JST).</summary>
    public LocalDate Today
    {
        get => Tokyo.Today(Clock.GetCurrentInstant());
        set => Clock.Reset(Tokyo.WakeInstant(value));
    }

    public static async Task<ApiTestServer> StartAsync(LifecycleStores stores, LocalDate today, int maxBodyBytes = CrmApiOptions.DefaultMaxBodyBytes,
        Func<CrmApiOptions, CrmApiOptions>? configure = null, ILogger? logger = null)
    {
        // Shift_JIS for GET /journal: the hosts register the code-page provider at start-up (Program.cs), so the test server does.
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var server = new ApiTestServer(stores, new FakeClock(Tokyo.WakeInstant(today)), maxBodyBytes, configure, logger);
        await server.app.StartAsync();
        server.Client = server.app.GetTestClient();
        return server;
    }

    /// <summary>A POST with a JSON body and the API key, under a fresh Idempotency-Key unless one is given.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, string json, string? idempotencyKey = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add(CrmApi.IdempotencyKeyHeader, idempotencyKey ?? Guid.NewGuid().ToString("N"));
        request.Headers.Add(CrmApi.ApiKeyHeader, Key);
        configure?.Invoke(request);
        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(CrmApi.ApiKeyHeader, Key);
        configure?.Invoke(request);
        return Client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>The smallest registration body of the issue, for <paramref name="contractId"/>.</summary>
    public static string Smallest(string contractId, string product = "eclect-aws", string startDate = "2026-03-25") =>
        $$$"""{"contractId":"{{{contractId}}}","product":"{{{product}}}","startDate":"{{{startDate}}}","customer":{"name":"株式会社サンプル","email":"ops@example.jp","language":"ja"}}""";

    public static MediaTypeHeaderValue? ContentType(HttpResponseMessage response) => response.Content.Headers.ContentType;

    public async ValueTask DisposeAsync()
    {
        await Runs.WhenIdleAsync();
        Client.Dispose();
        await app.DisposeAsync();
        api.Dispose();
        Runs.Dispose();
    }
}
