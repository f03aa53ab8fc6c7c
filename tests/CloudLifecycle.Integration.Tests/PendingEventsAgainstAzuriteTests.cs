using CloudLifecycle.Adapters.Tables;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Integration.Tests;

/// <summary>The Azure host's pending-event table on real Table Storage (Azurite): keyed by contract and event, found by age, removed once.</summary>
[Collection(ServicesFixtureGroup.Name)]
public sealed class PendingEventsAgainstAzuriteTests(TestServices services)
{
    [Fact]
    public async Task PendingEvents_AreKeptPerContractAndEvent_FoundByAge_AndRemovedOnce()
    {
        var stores = await AzureStorage.ConnectAsync(services.StorageConnectionString, "t" + Guid.NewGuid().ToString("N")[..10]);
        var start = Instant.FromUtc(2026, 11, 23, 0, 0);
        var cancellation = new CancellationRequested(new LocalDate(2026, 11, 20), new LocalDate(2027, 1, 20)) { EventId = "crm/with/slashes#and?marks" };
        await stores.PendingEvents.PutAsync(new PendingEvent("C-1", cancellation.EventId!, cancellation, start, start, 1));
        await stores.PendingEvents.PutAsync(new PendingEvent("C-2", "registered/C-2", null, start, start + Duration.FromMinutes(10), 1));
        // Raised again: the same key is replaced, not added.
        await stores.PendingEvents.PutAsync(new PendingEvent("C-1", cancellation.EventId!, cancellation, start, start + Duration.FromMinutes(1), 2));

        var old = await stores.PendingEvents.RaisedBeforeAsync(start + Duration.FromMinutes(5), 10);
        var all = await stores.PendingEvents.RaisedBeforeAsync(start + Duration.FromHours(1), 10);

        var only = Assert.Single(old);
        Assert.Equal(("C-1", 2), (only.ContractId, only.Deliveries));
        Assert.Equal<Trigger>(cancellation, only.Trigger);
        Assert.Equal(["C-1", "C-2"], all.Select(p => p.ContractId));
        Assert.Null(all[1].Trigger);
        // Per contract (the what-if applies them before deciding a new event): only C-1's.
        Assert.Equal([cancellation.EventId], (await stores.PendingEvents.ForContractAsync("C-1")).Select(p => p.EventId));

        await stores.PendingEvents.RemoveAsync("C-1", cancellation.EventId!);
        await stores.PendingEvents.RemoveAsync("C-1", cancellation.EventId!);
        Assert.Equal(["C-2"], (await stores.PendingEvents.RaisedBeforeAsync(start + Duration.FromHours(1), 10)).Select(p => p.ContractId));
    }
}
