using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Tests.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using NodaTime;
using Xunit.Abstractions;

namespace CloudLifecycle.Host.Tests.Reliability;

/// <summary>
/// Issue 13's bounded fuzz of the CRM API: thousands of generated malformed requests (seeded), to the
/// API in the ASP.NET Core test server and to a real <c>serve --embedded</c> process behind Kestrel.
/// Any 5xx fails; so does a request left without an answer. Each prints its figures.
/// <c>CLOUDLIFECYCLE_FUZZ_REQUESTS</c> (default 2,500 each) and <c>CLOUDLIFECYCLE_FUZZ_SEED</c> (default 13) make a longer or another run.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class ApiFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] ContractIds = ["F-ECL", "F-NEC", "F-NTT", "F-NTX", "F-STO"];

    private static int Requests => int.TryParse(Environment.GetEnvironmentVariable("CLOUDLIFECYCLE_FUZZ_REQUESTS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 2_500;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("CLOUDLIFECYCLE_FUZZ_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 13;

    [Fact]
    public async Task TestServer_AnswersEveryMalformedRequestWithA4xxProblem_NeverA5xx()
    {
        await using var server = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 15));
        await SeedAsync(server.Client, ApiTestServer.Key);
        // An issued invoice to pay, fetch and pay wrongly: May is invoiced once June has begun.
        await server.PostAsync("/api/v1/billing-runs", """{"month":"2026-05"}""");
        await server.Runs.WhenIdleAsync();

        var tally = new FuzzTally("test server", Seed);
        var watch = Stopwatch.StartNew();
        // Requests only a wire can carry (lying framing) or that an HTTP server refuses before any application (a NUL in the path) are Kestrel's part.
        foreach (var (request, path) in new ApiFuzz(Seed, ApiTestServer.Key, ContractIds).Generate(int.MaxValue)
            .Where(r => !r.WireOnly).Select(r => (Request: r, Path: DecodedPath(r))).Where(r => r.Path is not null).Take(Requests))
        {
            var context = await server.Server.SendAsync(c => Fill(c, request, path!.Value));
            tally.Add(request, context.Response.StatusCode, context.Response.ContentType, appAnswered: true);
        }

        Report(tally, watch.Elapsed);
        Assert.True(tally.Sent >= 2_000, $"only {tally.Sent} requests sent");
        Assert.True(tally.ServerErrors == 0 && tally.Closed == 0, tally.Describe());
        Assert.True(tally.NotProblems == 0, $"4xx answers that are not problem documents: {tally.Describe()}");
    }

    [Fact]
    public async Task ServeEmbeddedBehindKestrel_AnswersEveryMalformedRequestWithA4xx_NeverA5xx_AndLogsNoFailure()
    {
        const string key = "fuzz-key-" + "0123456789abcdef0123456789abcdef";
        await using var serve = await ServeProcess.StartAsync(key);
        using (var client = new HttpClient { BaseAddress = serve.BaseAddress })
        {
            await SeedAsync(client, key);
        }

        var tally = new FuzzTally("serve --embedded (Kestrel)", Seed);
        var watch = Stopwatch.StartNew();
        var host = serve.BaseAddress.Authority;
        var requests = new ApiFuzz(Seed + 1, key, ContractIds).Generate(Requests).ToList();
        // Four connections at a time: the process is loaded as a CRM would load it, the run stays short.
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (request, _) =>
        {
            // A sender that announced more than it sends hangs up after sending (Kestrel may then drop the request it can no longer finish).
            var hangsUp = request.Framing == BodyFraming.LengthLying;
            var answer = await RawHttp.SendAsync(serve.Port, request.ToWire(host), TimeSpan.FromSeconds(15), hangsUp);
            lock (tally)
            {
                if (answer is { Status: 0 } && hangsUp)
                {
                    tally.HungUp(request);
                }
                else if (answer is { } received)
                {
                    // Kestrel itself refuses what it cannot parse (a plain 400 without a body); the API answers everything else.
                    tally.Add(request, received.Status, received.ContentType, appAnswered: received.ContentType is not null);
                }
                else
                {
                    tally.Unanswered(request);
                }
            }
        });

        Report(tally, watch.Elapsed);
        Assert.True(tally.Sent >= 2_000, $"only {tally.Sent} requests sent");
        Assert.True(tally.ServerErrors == 0, tally.Describe());
        Assert.True(tally.Hung == 0 && tally.Closed == 0, $"requests left without an answer: {tally.Describe()}");
        Assert.True(tally.NotProblems == 0, $"API answers that are not problem documents: {tally.Describe()}");
        Assert.DoesNotContain("answered 5", serve.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", serve.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Registers one contract per product, with usage, so that fuzzed events reach the decider.</summary>
    private static async Task SeedAsync(HttpClient client, string key)
    {
        string[] bodies =
        [
            """{"contractId":"F-ECL","product":"eclect-aws","startDate":"2026-03-25","customer":{"name":"株式会社ファズ","email":"f@example.jp"}}""",
            """{"contractId":"F-NEC","product":"nec-express5800","startDate":"2026-04-01","endDate":"2031-03-31","customer":{"name":"株式会社ファズ","email":"f@example.jp"},"baseFee":120000,"unitPrice":180}""",
            """{"contractId":"F-NTT","product":"ntt-east-aws-ops","startDate":"2026-04-10","customer":{"name":"株式会社ファズ","email":"f@example.jp"},"plan":"standard","components":4}""",
            """{"contractId":"F-NTX","product":"optage-neutrix","startDate":"2026-04-01","customer":{"name":"株式会社ファズ","email":"f@example.jp"},"plan":"premium","components":3,"windows":true}""",
            """{"contractId":"F-STO","product":"optage-storage","startDate":"2026-04-01","customer":{"name":"株式会社ファズ","email":"f@example.jp"},"plan":"standard","components":2}""",
        ];
        foreach (var body in bodies)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/contracts") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Api-Key", key);
            request.Headers.Add("Idempotency-Key", "seed-" + body.GetHashCode(StringComparison.Ordinal).ToString(CultureInfo.InvariantCulture));
            var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        using var usage = new HttpRequestMessage(HttpMethod.Post, "/api/v1/contracts/F-ECL/usage") { Content = new StringContent("""{"month":"2026-05","awsUsageUsd":1000,"fxRate":150}""", Encoding.UTF8, "application/json") };
        usage.Headers.Add("X-Api-Key", key);
        usage.Headers.Add("Idempotency-Key", "seed-usage");
        await client.SendAsync(usage);
    }

    /// <summary>The path as Kestrel decodes it (%2F kept encoded), or null when Kestrel would refuse it (a NUL character).</summary>
    private static PathString? DecodedPath(FuzzRequest request)
    {
        var query = request.Target.IndexOf('?', StringComparison.Ordinal);
        try
        {
            return PathString.FromUriComponent(query < 0 ? request.Target : request.Target[..query]);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The request into the test server's context, as Kestrel would have parsed it.</summary>
    private static void Fill(HttpContext context, FuzzRequest request, PathString path)
    {
        context.Request.Method = request.Method;
        var query = request.Target.IndexOf('?', StringComparison.Ordinal);
        context.Request.Path = path;
        if (query >= 0)
        {
            context.Request.QueryString = new QueryString(request.Target[query..]);
        }

        foreach (var (name, value) in request.Headers)
        {
            context.Request.Headers.Append(name, value);
        }

        context.Request.Body = new MemoryStream(request.Body);
        if (request.Framing == BodyFraming.Length)
        {
            context.Request.ContentLength = request.Body.Length;
        }
    }

    private void Report(FuzzTally tally, TimeSpan elapsed)
    {
        var line = tally.Summary(elapsed);
        output.WriteLine(line);
        foreach (var kind in tally.ByKind())
        {
            output.WriteLine("  " + kind);
        }

        // Also on the console and in a file beside the test assembly, which .ci/run prints after the tests,
        // so that a run of the suite shows the margin without a verbose logger.
        Console.WriteLine(line);
        File.AppendAllText(Path.Combine(AppContext.BaseDirectory, "reliability-figures.txt"), line + Environment.NewLine);
    }
}

/// <summary>What a fuzz run got back: answers per status and per kind of request, the 5xx and unanswered ones kept for the message.</summary>
internal sealed class FuzzTally(string target, int seed)
{
    private readonly SortedDictionary<int, int> statuses = [];
    private readonly SortedDictionary<string, (int Sent, int Worst)> kinds = new(StringComparer.Ordinal);
    private readonly List<string> failures = [];

    public int Sent { get; private set; }

    public int ServerErrors { get; private set; }

    public int Hung { get; private set; }

    /// <summary>Requests whose sender hung up mid-body, closed without an answer.</summary>
    public int SenderHungUp { get; private set; }

    /// <summary>Connections the server closed without any answer.</summary>
    public int Closed { get; private set; }

    /// <summary>4xx answers of the API that are not RFC 9457 problem documents.</summary>
    public int NotProblems { get; private set; }

    /// <summary>4xx answers of Kestrel itself (requests it could not parse), which never reach the API.</summary>
    public int ServerRefusals { get; private set; }

    public void Add(FuzzRequest request, int status, string? contentType, bool appAnswered)
    {
        Sent++;
        statuses[status] = statuses.GetValueOrDefault(status) + 1;
        var (sent, worst) = kinds.GetValueOrDefault(request.Kind);
        kinds[request.Kind] = (sent + 1, Math.Max(worst, status));
        if (status == 0)
        {
            Closed++;
            Keep($"connection closed without an answer for {Describe(request)}");
        }
        else if (status >= 500)
        {
            ServerErrors++;
            Keep($"{status} for {Describe(request)}");
        }
        else if (status >= 400 && appAnswered && !(contentType ?? string.Empty).StartsWith("application/problem+json", StringComparison.Ordinal))
        {
            NotProblems++;
            Keep($"{status} {contentType} for {Describe(request)}");
        }
        else if (status >= 400 && !appAnswered)
        {
            ServerRefusals++;
        }
    }

    /// <summary>The sender hung up mid-body and the server closed without an answer: nobody was left to answer.</summary>
    public void HungUp(FuzzRequest request)
    {
        Sent++;
        SenderHungUp++;
        var (sent, worst) = kinds.GetValueOrDefault(request.Kind);
        kinds[request.Kind] = (sent + 1, worst);
    }

    public void Unanswered(FuzzRequest request)
    {
        Sent++;
        Hung++;
        Keep($"no answer for {Describe(request)}");
    }

    public string Summary(TimeSpan elapsed) => string.Create(CultureInfo.InvariantCulture,
        $"fuzz {target}: {Sent} requests (seed {seed}) in {elapsed.TotalSeconds:0.0} s: {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}; 5xx={ServerErrors}, unanswered={Hung}, closed without an answer={Closed} (besides {SenderHungUp} whose sender hung up mid-body), 4xx refused by Kestrel before the API={ServerRefusals}, API 4xx not a problem document={NotProblems}");

    public IEnumerable<string> ByKind() => kinds.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Key}: {k.Value.Sent} sent, highest status {k.Value.Worst}"));

    public string Describe() => $"{Summary(TimeSpan.Zero)}\n{string.Join('\n', failures)}";

    private void Keep(string failure)
    {
        if (failures.Count < 20)
        {
            failures.Add(failure);
        }
    }

    private static string Describe(FuzzRequest request)
    {
        var body = Encoding.UTF8.GetString(request.Body);
        return $"[{request.Kind}] {request.Method} {(request.Target.Length > 200 ? request.Target[..200] + "…" : request.Target)} {request.Framing} {request.ChunkSize} " +
            $"{string.Join("; ", request.Headers.Select(h => $"{h.Name}: {(h.Value.Length > 60 ? h.Value[..60] + "…" : h.Value)}"))} body: {(body.Length > 200 ? body[..200] + "…" : body)}";
    }
}
