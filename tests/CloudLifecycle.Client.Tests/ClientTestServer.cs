using CloudLifecycle.Api;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Host.Cli;
using CloudLifecycle.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using NodaTime;
using NodaTime.Testing;

namespace CloudLifecycle.Client.Tests;

/// <summary>
/// The CRM API as the local host serves it (<see cref="ApiHost"/>: the same pipeline as <c>serve</c>) in the ASP.NET Core
/// test server, over in-memory stores and a clock the test sets, and the generated client pointed at it through Kiota's
/// own handler chain (retry, redirect, headers inspection) ending in the test server.
/// </summary>
internal sealed class ClientTestServer : IAsyncDisposable
{
    public const string Key = "client-test-key-3b9e71c45a08d2f6e4a1c7b";

    private readonly WebApplication app;
    private readonly CrmApi api;
    private HttpClient? http;

    private ClientTestServer(LocalDate today)
    {
        var stores = InMemoryStores.Create();
        var clock = new FakeClock(Tokyo.WakeInstant(today));
        var workflow = new ContractWorkflow(stores, clock);
        Runs = new BackgroundBillingRuns(stores, workflow, clock, ThreadPoolBackgroundWork.Instance);
        var options = new CrmApiOptions { ApiKeys = [Key], DefaultIssuer = new Issuer("テスト請求株式会社", "T1234567890123"), Clock = clock };
        api = new CrmApi(options, stores, workflow, Runs);
        app = ApiHost.Build(api, ["http://127.0.0.1:0"], builder => builder.WebHost.UseTestServer());
        Client = null!;
    }

    public BackgroundBillingRuns Runs { get; }

    /// <summary>The generated client, sending the API key on every request.</summary>
    public Generated.CrmClient Client { get; private set; }

    /// <summary>The test server's own client, for what the generated one does not read (the served document).</summary>
    public HttpClient Raw => app.GetTestClient();

    public static async Task<ClientTestServer> StartAsync(LocalDate today)
    {
        var server = new ClientTestServer(today);
        await server.app.StartAsync();
        server.http = KiotaClientFactory.Create(server.app.GetTestServer().CreateHandler());
        server.http.DefaultRequestHeaders.Add(CrmApi.ApiKeyHeader, Key);
        // The document's server is "/" (relative: the API's address is the deployment's), so the client is given it.
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: server.http) { BaseUrl = "http://localhost" };
        server.Client = new Generated.CrmClient(adapter);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await Runs.WhenIdleAsync();
        http?.Dispose();
        await app.DisposeAsync();
        api.Dispose();
        Runs.Dispose();
    }
}
