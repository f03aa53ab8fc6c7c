using System.Text;
using CloudLifecycle.Api;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Host.Cli;
using CloudLifecycle.Host.Tests.Reliability;
using CloudLifecycle.Hosting;
using Microsoft.AspNetCore.Builder;
using NodaTime;
using NodaTime.Testing;

namespace CloudLifecycle.Tests.Api;

/// <summary>
/// The API behind real Kestrel (in this process, on a free loopback port): what only an HTTP parser
/// meets, such as chunked framing, is answered as a 4xx problem too.
/// </summary>
public sealed class KestrelTests : IAsyncLifetime, IDisposable
{
    private WebApplication app = null!;
    private CrmApi api = null!;
    private int port;

    public async Task InitializeAsync()
    {
        var stores = InMemoryStores.Create();
        var clock = new FakeClock(Tokyo.WakeInstant(new LocalDate(2026, 6, 15)));
        var workflow = new ContractWorkflow(stores, clock);
        api = new CrmApi(new CrmApiOptions { ApiKeys = [ApiTestServer.Key], DefaultIssuer = ApiTestServer.Issuer }, stores, workflow, new BackgroundBillingRuns(stores, workflow, clock, ThreadPoolBackgroundWork.Instance));
        app = ApiHost.Build(api, ["http://127.0.0.1:0"]);
        await app.StartAsync();
        port = new Uri(app.Urls.Single()).Port;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    public void Dispose() => api.Dispose();

    [Theory]
    [InlineData("80000000")]
    [InlineData("FFFFFFFF")]
    [InlineData("100000000")]
    [InlineData("FFFFFFFFFFFFFFFFFFFF")]
    public async Task AChunkSizeOf0x80000000OrMore_IsA400ProblemNamingTheBody(string chunkSize)
    {
        var request = Encoding.ASCII.GetBytes(
            "POST /api/v1/contracts/C-1/usage HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" +
            $"X-Api-Key: {ApiTestServer.Key}\r\nContent-Type: application/json\r\nIdempotency-Key: chunk-{chunkSize}\r\nTransfer-Encoding: chunked\r\n\r\n" +
            $"{chunkSize}\r\n{{\"month\":\"2026-05\"}}");

        var answer = await RawHttp.SendAsync(port, request, TimeSpan.FromSeconds(15));

        Assert.NotNull(answer);
        Assert.Equal(400, answer.Value.Status);
        Assert.StartsWith("application/problem+json", answer.Value.ContentType, StringComparison.Ordinal);
    }
}
