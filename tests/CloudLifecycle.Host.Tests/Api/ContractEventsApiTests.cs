using System.Net;
using System.Text.Json;
using CloudLifecycle.Core.Application.InMemory;
using NodaTime;

namespace CloudLifecycle.Tests.Api;

/// <summary>
/// <c>GET /contracts/{id}/events</c> as a CRM polls it: everything that happened, oldest first; from the cursor of its
/// last read, only what happened since, never an item twice; pages that together give the whole feed.
/// </summary>
public sealed class ContractEventsApiTests
{
    [Fact]
    public async Task PollingFromTheLastCursor_GivesOnlyWhatHappenedSince_OldestFirst()
    {
        await using var server = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 15));
        await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("EV-1"));
        var first = await ReadAsync(server, "/api/v1/contracts/EV-1/events");
        var cursor = first.GetProperty("next").GetString();

        var nothingNew = await ReadAsync(server, $"/api/v1/contracts/EV-1/events?after={cursor}");
        await server.PostAsync("/api/v1/contracts/EV-1/usage", """{"month":"2026-05","awsUsageUsd":"1000","fxRate":"150"}""");
        await server.PostAsync("/api/v1/contracts/EV-1/cancellation-requests", """{"noticeDate":"2026-06-15","requestedDate":"2026-07-20"}""");
        await server.PostAsync("/api/v1/billing-runs", """{"month":"2026-05"}""");
        await server.Runs.WhenIdleAsync();
        var since = await ReadAsync(server, $"/api/v1/contracts/EV-1/events?after={cursor}");

        // Registered on 06-15, started 03-25: the milestones already reached come first, at their own dates (§3-3).
        Assert.Equal(("milestone", "2026-03-25", "§3-3"), (Events(first)[0].GetProperty("type").GetString(), Events(first)[0].GetProperty("date").GetString(), Events(first)[0].GetProperty("clause").GetString()));
        Assert.Contains("event:event/registered", Ids(first));
        Assert.Contains(Events(first), e => e.GetProperty("type").GetString() == "notice" && e.GetProperty("kind").GetString() == "registered" && e.GetProperty("noticeStatus").GetString() == "pending");
        Assert.Empty(Ids(nothingNew));
        Assert.Equal(cursor, nothingNew.GetProperty("next").GetString());
        Assert.Empty(Ids(since).Intersect(Ids(first)));
        Assert.Contains("event:event/usage/2026-05/2026-06-15", Ids(since));
        Assert.Contains("event:event/cancellation/2026-06-15", Ids(since));
        var invoice = Events(since).Single(e => e.GetProperty("type").GetString() == "invoice");
        Assert.Equal(("INV-EV-1-202605", "§16-2"), (invoice.GetProperty("invoiceNumber").GetString(), invoice.GetProperty("clause").GetString()));
        var dates = Events(since).Select(e => e.GetProperty("date").GetString()).ToList();
        Assert.Equal(dates.Order(StringComparer.Ordinal), dates);
    }

    [Fact]
    public async Task PagesOfTwo_GiveTheWholeFeed_InOrder_WithNoRepeat()
    {
        await using var server = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 15));
        await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("EV-2", startDate: "2026-01-25"));
        await server.PostAsync("/api/v1/contracts/EV-2/cancellation-requests", """{"noticeDate":"2026-06-15","requestedDate":"2026-07-20"}""");
        var whole = Ids(await ReadAsync(server, "/api/v1/contracts/EV-2/events"));

        var paged = new List<string>();
        string? cursor = null;
        for (var page = 0; page < 100; page++)
        {
            var read = await ReadAsync(server, "/api/v1/contracts/EV-2/events?limit=2" + (cursor is null ? string.Empty : $"&after={cursor}"));
            paged.AddRange(Ids(read));
            cursor = read.GetProperty("next").GetString();
            if (!read.GetProperty("more").GetBoolean())
            {
                break;
            }
        }

        Assert.True(whole.Count > 4, $"expected a feed of several pages, got {whole.Count}");
        Assert.Equal(whole, paged);
    }

    [Fact]
    public async Task AnEventReportedLater_WithAnEarlierDate_IsStillGivenOnce()
    {
        await using var server = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 15));
        await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("EV-4"));
        var cursor = (await ReadAsync(server, "/api/v1/contracts/EV-4/events")).GetProperty("next").GetString();
        server.Today = new LocalDate(2026, 6, 25);
        await server.PostAsync("/api/v1/contracts/EV-4/usage", """{"month":"2026-05","awsUsageUsd":"10","fxRate":"150"}""");
        var afterUsage = await ReadAsync(server, $"/api/v1/contracts/EV-4/events?after={cursor}");

        // The customer's notice of 06-12 reaches the CRM on 06-25, after the feed was read past 06-12 (the usage of 06-25).
        await server.PostAsync("/api/v1/contracts/EV-4/cancellation-requests", """{"noticeDate":"2026-06-12","requestedDate":"2026-07-20"}""");
        var late = await ReadAsync(server, $"/api/v1/contracts/EV-4/events?after={afterUsage.GetProperty("next").GetString()}");
        var again = await ReadAsync(server, $"/api/v1/contracts/EV-4/events?after={late.GetProperty("next").GetString()}");

        Assert.Contains("event:event/usage/2026-05/2026-06-25", Ids(afterUsage));
        Assert.Contains("event:event/cancellation/2026-06-12", Ids(late));
        Assert.DoesNotContain("event:event/usage/2026-05/2026-06-25", Ids(late));
        Assert.Empty(Ids(again));
    }

    [Fact]
    public async Task ACursorThatWasNotGiven_IsRefused_NamingAfter()
    {
        await using var server = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 15));
        await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("EV-3"));

        var response = await server.GetAsync("/api/v1/contracts/EV-3/events?after=not-a-cursor");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("after", (await ApiTestServer.JsonAsync(response)).GetProperty("field").GetString());
    }

    private static async Task<JsonElement> ReadAsync(ApiTestServer server, string path)
    {
        var response = await server.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ApiTestServer.JsonAsync(response);
    }

    private static List<JsonElement> Events(JsonElement page) => page.GetProperty("events").EnumerateArray().ToList();

    private static List<string> Ids(JsonElement page) => Events(page).Select(e => e.GetProperty("id").GetString()!).ToList();
}
