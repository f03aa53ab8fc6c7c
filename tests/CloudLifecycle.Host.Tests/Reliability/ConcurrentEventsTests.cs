using System.Globalization;
using System.Net;
using CloudLifecycle.Adapters.Tables;
using CloudLifecycle.Integration.Tests;
using CloudLifecycle.Tests.Api;
using NodaTime;
using Xunit.Abstractions;

namespace CloudLifecycle.Host.Tests.Reliability;

/// <summary>
/// Issue 13: concurrent events on one contract through two API hosts over one Azurite (no in-process lock spans
/// them; only the ETag does), each event sent twice at once under its Idempotency-Key (a CRM retrying before the
/// first answer came). Every event is applied exactly once: none lost, none applied twice.
/// </summary>
[Collection(ServicesFixtureGroup.Name)]
[Trait("Category", "Reliability")]
public sealed class ConcurrentEventsTests(TestServices services, ITestOutputHelper output)
{
    [Fact]
    public async Task ConcurrentEventsOnOneContract_ThroughTwoHosts_EachSentTwice_AreEachAppliedOnce()
    {
        var prefix = "r" + Guid.NewGuid().ToString("N")[..10];
        var today = new LocalDate(2026, 6, 15);
        await using var first = await ApiTestServer.StartAsync(await AzureStorage.ConnectAsync(services.StorageConnectionString, prefix), today);
        await using var second = await ApiTestServer.StartAsync(await AzureStorage.ConnectAsync(services.StorageConnectionString, prefix), today);
        Assert.Equal(HttpStatusCode.Created, (await first.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("RC-1", startDate: "2022-03-25"))).StatusCode);
        // One usage event per month, 2022-04 … 2024-11: 32 events, 64 requests at once.
        var months = Enumerable.Range(0, 32).Select(i => new YearMonth(2022, 4).PlusMonths(i)).ToList();

        var sends = months.SelectMany(m => new[] { first, second }.Select(host => (Month: m, Host: host))).ToList();
        var latencies = new List<TimeSpan>();
        var responses = await Task.WhenAll(sends.Select(async s =>
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var response = await s.Host.PostAsync("/api/v1/contracts/RC-1/usage",
                $$"""{"month":"{{s.Month:uuuu-MM}}","awsUsageUsd":10,"fxRate":150}""", idempotencyKey: $"usage-{s.Month:uuuu-MM}");
            lock (latencies)
            {
                latencies.Add(watch.Elapsed);
            }

            return response;
        }));

        var state = (await first.Stores.Contracts.GetAsync("RC-1"))!.State;
        var history = await first.Stores.History.ListAsync("RC-1");
        var recorded = history.Count(h => h.Kind == "UsageRecorded");
        var accepted = responses.Count(r => r.StatusCode == HttpStatusCode.Accepted);
        var replayed = responses.Count(r => r.Headers.Contains("Idempotent-Replayed"));
        var lost = months.Count(m => state.Usage.All(u => u.Month != m));
        ReliabilityFigures.Write(output, string.Create(CultureInfo.InvariantCulture,
            $"concurrent events on one contract (two API hosts over Azurite): {months.Count} events, each sent twice at once ({sends.Count} requests): 202 {accepted} (replayed {replayed}), other {sends.Count - accepted}, slowest answer {latencies.Max().TotalSeconds:0.0} s; " +
            $"applied {state.Usage.Select(u => u.Month).Distinct().Count()}, lost {lost}, applied twice {Math.Max(0, recorded - months.Count)}; version {state.Version} (expected {1 + months.Count})"));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal(0, lost);
        Assert.Equal(months.Count, state.Usage.Count);
        Assert.Equal(months.Count, recorded);
        Assert.Equal(1 + months.Count, state.Version);
    }
}
