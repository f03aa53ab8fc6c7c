using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using CloudLifecycle.Api;
using CloudLifecycle.Core.Application;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// <c>bench-http</c> (issue 17): an open-loop load test of the CRM API over loopback HTTP. Requests are sent at fixed
/// intervals from a Stopwatch schedule whatever the answers do, and each latency is measured from the time the request
/// was scheduled, not sent, so that a slow answer holding up the client cannot hide the requests it delayed
/// (coordinated omission). Without <c>--url</c> it starts the API in process on 127.0.0.1 over in-memory stores, as
/// <c>serve --embedded</c> does; with it, it loads a running host (API key from <c>CloudLifecycle__ApiKeys__0</c>).
/// Two endpoints, one after the other: the cancellation quote (a read) and the registration of a new contract (a write).
/// </summary>
internal sealed class BenchHttpCommand(TextWriter progress) : ICommand
{
    /// <summary>The in-process host's day: the quote's notice and requested dates are fixed against it.</summary>
    private static readonly LocalDate EmbeddedToday = new(2026, 6, 1);

    public string Name => "bench-http";

    public string Synopsis => "[--rate 200] [--duration 30] [--warmup 3] [--contracts 100] [--url http://127.0.0.1:5080]";

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var rate = arguments.OptionalInteger("rate") ?? 200;
        var duration = Seconds(arguments, "duration", 30);
        var warmup = Seconds(arguments, "warmup", 3);
        var contracts = arguments.OptionalInteger("contracts") ?? 100;
        var url = arguments.Optional("url");
        arguments.EnsureAllUsed(Name);
        if (rate is < 1 or > 20_000)
        {
            throw new UsageException($"--rate: {rate} must be from 1 to 20000 requests per second");
        }

        if (contracts < 1)
        {
            throw new UsageException($"--contracts: {contracts} must be at least 1");
        }

        if (url is not null && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            throw new UsageException($"--url: '{url}' is not an absolute http(s) address");
        }

        RunAsync(url, rate, duration, warmup, contracts, stdout).GetAwaiter().GetResult();
    }

    private static int Seconds(Arguments arguments, string name, int fallback)
    {
        var text = arguments.Optional(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text.TrimEnd('s'), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 0 and <= 3600
            ? seconds
            : throw new UsageException($"--{name}: '{text}' is not a number of seconds from 0 to 3600 (30 or 30s)");
    }

    private async Task RunAsync(string? url, int rate, int duration, int warmup, int contracts, TextWriter stdout)
    {
        var outDir = Path.Combine(Path.GetTempPath(), "cl-bench-http-" + Guid.NewGuid().ToString("N"));
        ServeServices? services = null;
        var server = new ServerTimes();
        Microsoft.AspNetCore.Builder.WebApplication? app = null;
        try
        {
            string apiKey;
            LocalDate today;
            if (url is null)
            {
                apiKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
                url = $"http://127.0.0.1:{FreePort()}";
                services = ServeCommand.Compose(embedded: true, outDir, new VirtualClock(Tokyo.WakeInstant(EmbeddedToday)), [apiKey], progress);
                app = ApiHost.Build(services.Provider.GetRequiredService<CrmApi>(), [url], middleware: web => web.Use(async (context, next) =>
                {
                    var started = Stopwatch.GetTimestamp();
                    await next(context).ConfigureAwait(false);
                    server.Record(Stopwatch.GetTimestamp() - started);
                }));
                await app.StartAsync().ConfigureAwait(false);
                today = EmbeddedToday;
            }
            else
            {
                apiKey = ServeCommand.ApiKeys()[0];
                today = Tokyo.Today(SystemClock.Instance.GetCurrentInstant());
            }

            using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10), UseProxy = false })
            {
                BaseAddress = new Uri(url.TrimEnd('/') + CrmApiOptions.BasePath + "/"),
                Timeout = TimeSpan.FromSeconds(10),
            };
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
            var run = Guid.NewGuid().ToString("N")[..8];
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"bench-http against {url}{(app is null ? string.Empty : " (in process, in-memory stores)")}: {rate} requests/s for {duration} s per endpoint after {warmup} s of warm-up, open loop (latency from the scheduled time); {Environment.ProcessorCount} processors, load average {LoadAverage()}")).ConfigureAwait(false);

            // The contracts the quotes read, registered first (each product's terms differ: eclect-aws throughout).
            var ids = Enumerable.Range(0, contracts).Select(i => string.Create(CultureInfo.InvariantCulture, $"H{run}-{i:D5}")).ToList();
            foreach (var id in ids)
            {
                using var response = await client.SendAsync(Registration(id, today)).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"registering {id}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
                }
            }

            // The 15th of next month is before the notice deadline of the 20th after it (§27-1: notice by the 15th of the month before).
            var notice = today.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
            var requested = new LocalDate(today.Year, today.Month, 20).PlusMonths(2).ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
            var quote = new Endpoint($"GET /contracts/{{id}}/quotes/cancellation", i =>
                new HttpRequestMessage(HttpMethod.Get, $"contracts/{ids[i % ids.Count]}/quotes/cancellation?notice={notice}&requested={requested}"));
            var register = new Endpoint("POST /contracts", i =>
                Registration(string.Create(CultureInfo.InvariantCulture, $"R{run}-{i:D7}"), today));
            foreach (var endpoint in new[] { quote, register })
            {
                await LoadAsync(client, endpoint with { Name = endpoint.Name + " (warm-up)" }, rate, warmup, offset: 10_000_000, report: null, server: null).ConfigureAwait(false);
                server.Reset(rate * duration);
                await LoadAsync(client, endpoint, rate, duration, offset: 0, report: stdout, server: app is null ? null : server).ConfigureAwait(false);
            }
        }
        finally
        {
            if (app is not null)
            {
                await app.StopAsync().ConfigureAwait(false);
                await app.DisposeAsync().ConfigureAwait(false);
            }

            services?.Dispose();
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }

    private static HttpRequestMessage Registration(string id, LocalDate today)
    {
        var start = today.PlusDays(-today.Day + 1).ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
        var body = $$$"""{"contractId":"{{{id}}}","product":"eclect-aws","startDate":"{{{start}}}","customer":{"name":"株式会社ベンチ","email":"bench@example.jp","language":"ja"}}""";
        var request = new HttpRequestMessage(HttpMethod.Post, "contracts") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(CrmApi.IdempotencyKeyHeader, "reg-" + id);
        return request;
    }

    /// <summary>One endpoint's requests, the <c>i</c>-th built by <see cref="Build"/>.</summary>
    private sealed record Endpoint(string Name, Func<int, HttpRequestMessage> Build);

    /// <summary>
    /// Sends <paramref name="rate"/> × <paramref name="seconds"/> requests, the i-th scheduled at i / rate s after the
    /// start, each without waiting for earlier answers; then prints the latency percentiles from the scheduled times.
    /// </summary>
    private static async Task LoadAsync(HttpClient client, Endpoint endpoint, int rate, int seconds, int offset, TextWriter? report, ServerTimes? server)
    {
        var count = rate * seconds;
        if (count == 0)
        {
            return;
        }

        var latencies = new long[count];
        var lags = new long[count];
        var errors = 0;
        var firstError = (string?)null;
        var inFlight = new Task[count];
        var interval = Stopwatch.Frequency / (double)rate;
        var clock = new Stopwatch();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var pausedBefore = GC.GetTotalPauseDuration();
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        long lastDone = 0;
        // The schedule on a thread of its own: a pool thread blocked in it would leave the server one fewer.
        var dispatched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new Thread(() =>
        {
            clock.Start();
            for (var i = 0; i < count; i++)
            {
                var scheduled = (long)(i * interval);
                WaitUntil(clock, scheduled);
                lags[i] = clock.ElapsedTicks - scheduled;
                var index = i;
                inFlight[i] = SendAsync(client, endpoint.Build(index + offset)).ContinueWith(t =>
                {
                    var done = clock.ElapsedTicks;
                    latencies[index] = done - scheduled;
                    InterlockedMax(ref lastDone, done);
                    if (t.IsFaulted || !t.Result)
                    {
                        if (Interlocked.Increment(ref errors) == 1)
                        {
                            Volatile.Write(ref firstError, t.IsFaulted ? t.Exception!.GetBaseException().Message : "a non-2xx answer");
                        }
                    }
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            dispatched.SetResult();
        }) { IsBackground = true, Name = "bench-http schedule" };
        dispatcher.Start();
        await dispatched.Task.ConfigureAwait(false);
        await Task.WhenAll(inFlight).ConfigureAwait(false);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var paused = GC.GetTotalPauseDuration() - pausedBefore;
        var collections = (GC.CollectionCount(0) - gcBefore.Item1, GC.CollectionCount(1) - gcBefore.Item2, GC.CollectionCount(2) - gcBefore.Item3);
        if (report is null)
        {
            return;
        }

        Array.Sort(latencies);
        Array.Sort(lags);
        var elapsed = lastDone / (double)Stopwatch.Frequency;
        await report.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{endpoint.Name}: {count:N0} requests scheduled at {rate}/s, achieved {count / elapsed:0.0}/s, {errors} errors{(firstError is null ? string.Empty : $" (first: {firstError})")}; " +
            $"latency p50 {Ms(Percentile(latencies, 0.50))} p90 {Ms(Percentile(latencies, 0.90))} p99 {Ms(Percentile(latencies, 0.99))} p99.9 {Ms(Percentile(latencies, 0.999))} max {Ms(latencies[^1])} ms; " +
            $"client send lag p99 {Ms(Percentile(lags, 0.99))} max {Ms(lags[^1])} ms; {(server is null ? string.Empty : server.Describe())}CPU {cpu.TotalSeconds:0.0} s ({100 * cpu.TotalSeconds / elapsed:0}% of one core, {(server is null ? "this client" : "client and server")}); GC paused {paused.TotalMilliseconds:0} ms in {collections.Item1}/{collections.Item2}/{collections.Item3} collections (gen 0/1/2); load average {LoadAverage()}")).ConfigureAwait(false);
    }

    /// <summary>The time the in-process server spent on each request (from its first middleware to the end of the answer).</summary>
    private sealed class ServerTimes
    {
        private long[] times = [];
        private int count;

        public void Reset(int capacity)
        {
            times = new long[capacity + 1024];
            Volatile.Write(ref count, 0);
        }

        public void Record(long ticks)
        {
            var at = Interlocked.Increment(ref count) - 1;
            var store = times;
            if (at < store.Length)
            {
                store[at] = ticks;
            }
        }

        public string Describe()
        {
            var recorded = times.AsSpan(0, Math.Min(Volatile.Read(ref count), times.Length)).ToArray();
            if (recorded.Length == 0)
            {
                return string.Empty;
            }

            Array.Sort(recorded);
            return $"server time p50 {Ms(Percentile(recorded, 0.50))} p99 {Ms(Percentile(recorded, 0.99))} max {Ms(recorded[^1])} ms; ";
        }
    }

    /// <summary>True for a 2xx answer, read to its end.</summary>
    private static async Task<bool> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
    }

    /// <summary>
    /// Sleeps in 1 ms steps while more than 1.2 ms remain, then yields until the scheduled tick: the sleep alone would
    /// send up to a millisecond late, which the latency (from the scheduled time) would then carry.
    /// </summary>
    private static void WaitUntil(Stopwatch clock, long scheduledTicks)
    {
        var spinBelow = Stopwatch.Frequency * 12 / 10_000;
        while (true)
        {
            var remaining = scheduledTicks - clock.ElapsedTicks;
            if (remaining <= 0)
            {
                return;
            }

            if (remaining > spinBelow)
            {
                Thread.Sleep(1);
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static long Percentile(long[] sorted, double fraction) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];

    private static string Ms(long ticks) => (ticks * 1000.0 / Stopwatch.Frequency).ToString("0.00", CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The 1-minute load average (Linux), so each line says how busy the shared machine was.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
