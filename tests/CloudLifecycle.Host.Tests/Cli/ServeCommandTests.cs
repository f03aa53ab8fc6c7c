using System.Net;
using System.Text.Json;
using CloudLifecycle.Host.Cli;
using CloudLifecycle.Host.Tests.Reliability;
using CloudLifecycle.Hosting;
using Microsoft.Extensions.Configuration;
using static CloudLifecycle.Host.Tests.Cli.CliRunner;

namespace CloudLifecycle.Host.Tests.Cli;

/// <summary><c>serve</c> as an operator starts it.</summary>
public class ServeCommandTests
{
    private const string LongKey = "serve-test-key-0123456789abcdef0123456789";

    [Fact]
    public void Serve_WithoutAnApiKey_RefusesToStart_AndSaysWhichVariableToSet()
    {
        Assert.Null(Environment.GetEnvironmentVariable("CloudLifecycle__ApiKeys__0"));
        var (exit, _, err) = Run("serve", "--embedded", "--out", Path.Combine(Path.GetTempPath(), "cl-serve-" + Guid.NewGuid().ToString("N")));

        Assert.NotEqual(0, exit);
        Assert.Contains("CloudLifecycle__ApiKeys__0", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_EmbeddedOnce_RunsOneSchedulerTickWithoutStorage()
    {
        var outDir = Path.Combine(Path.GetTempPath(), "cl-serve-" + Guid.NewGuid().ToString("N"));
        var (exit, stdout, err) = Run("serve", "--embedded", "--once", "--out", outDir);

        Assert.True(exit == 0, err);
        Assert.Contains("embedded: in-memory stores", stdout, StringComparison.Ordinal);
        Assert.Contains("woke 0", stdout, StringComparison.Ordinal);
        Assert.True(Directory.Exists(outDir));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("dev-key-change-me")]
    [InlineData("0123456789012345678901234567890")]
    public async Task Serve_WithAnApiKeyShorterThan32Characters_RefusesToStart_NamingTheVariable(string key)
    {
        var (exit, _, err) = await ServeProcess.RunAsync(["serve", "--embedded", "--out", Path.Combine(Path.GetTempPath(), "cl-serve-" + Guid.NewGuid().ToString("N"))],
            new Dictionary<string, string> { ["CloudLifecycle__ApiKeys__0"] = LongKey, ["CloudLifecycle__ApiKeys__1"] = key });

        Assert.Equal(2, exit);
        Assert.Contains("CloudLifecycle__ApiKeys__1", err, StringComparison.Ordinal);
        Assert.Contains("at least 32", err, StringComparison.Ordinal);
        Assert.DoesNotContain(LongKey, err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_SaysAtStartUpHowTheApiIsSecured_AndBuildsCalendarLinksFromThePublicBaseUrl()
    {
        await using var serve = await ServeProcess.StartAsync(LongKey, new Dictionary<string, string> { ["CloudLifecycle__PublicBaseUrl"] = "https://crm-api.example.jp" });
        using var client = new HttpClient { BaseAddress = serve.BaseAddress };
        using var register = new HttpRequestMessage(HttpMethod.Post, "/api/v1/contracts")
        {
            Content = new StringContent("""{"contractId":"S-1","product":"eclect-aws","startDate":"2026-03-25","customer":{"name":"x","email":"x@example.jp"}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        register.Headers.Add("X-Api-Key", LongKey);
        register.Headers.Add("Idempotency-Key", "serve-s-1");
        register.Headers.Host = "evil.example";

        var response = await client.SendAsync(register);
        var link = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("links").GetProperty("calendarSubscription").GetString()!;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.StartsWith("https://crm-api.example.jp/api/v1/contracts/S-1/calendar.ics?token=", link, StringComparison.Ordinal);
        Assert.Contains("API keys: 1 configured, each at least 32 characters", serve.Stdout, StringComparison.Ordinal);
        Assert.Contains("calendar subscription links: https://crm-api.example.jp/api/v1/", serve.Stdout, StringComparison.Ordinal);
        Assert.Contains("CORS: off", serve.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(LongKey, serve.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_DescribesItsStorageByAccountAndEndpoint_NeverByTheConnectionStringsKey()
    {
        const string key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1";
        var settings = LifecycleSettings.From(new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create("CloudLifecycle:Storage:ConnectionString", (string?)connection)]).Build());

        var described = ServeCommand.Describe(settings);

        Assert.Contains("devstoreaccount1", described, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:10002/devstoreaccount1", described, StringComparison.Ordinal);
        Assert.DoesNotContain(key, described, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", described, StringComparison.Ordinal);
    }
}
