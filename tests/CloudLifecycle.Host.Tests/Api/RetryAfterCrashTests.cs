using System.Net;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using NodaTime;

namespace CloudLifecycle.Tests.Api;

/// <summary>
/// Issue 13 defect 6: the host dies after the contract was saved and before the answer was stored under the
/// Idempotency-Key. The CRM retries with the same key and must get the original outcome (2xx), not a second
/// decision that refuses the already applied change.
/// </summary>
public sealed class RetryAfterCrashTests
{
    /// <summary>Idempotency records; <see cref="Crash"/> makes the next store fail as a killed host would.</summary>
    private sealed class CrashingIdempotency(IIdempotencyStore inner) : IIdempotencyStore
    {
        public bool Crash { get; set; }

        public Task<string?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public Task<string> PutIfAbsentAsync(string key, string result, CancellationToken cancellationToken = default)
        {
            if (Crash)
            {
                Crash = false;
                throw new IOException("the host died before the idempotency record was stored");
            }

            return inner.PutIfAbsentAsync(key, result, cancellationToken);
        }
    }

    [Fact]
    public async Task CancellationAppliedButItsAnswerLost_RetryWithTheSameKey_Gets202WithTheSameEffectiveDate()
    {
        var stores = InMemoryStores.Create();
        var idempotency = new CrashingIdempotency(stores.Idempotency);
        await using var server = await ApiTestServer.StartAsync(stores with { Idempotency = idempotency }, new LocalDate(2026, 6, 15));
        Assert.Equal(HttpStatusCode.Created, (await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("C-CRASH"))).StatusCode);
        const string Body = """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20"}""";

        idempotency.Crash = true;
        var lost = await server.PostAsync("/api/v1/contracts/C-CRASH/cancellation-requests", Body, "cancel-once");
        var applied = (await stores.Contracts.GetAsync("C-CRASH"))!.State;
        var retry = await server.PostAsync("/api/v1/contracts/C-CRASH/cancellation-requests", Body, "cancel-once");
        var again = await server.PostAsync("/api/v1/contracts/C-CRASH/cancellation-requests", Body, "cancel-once");

        Assert.Equal(HttpStatusCode.InternalServerError, lost.StatusCode);
        Assert.Equal(new LocalDate(2026, 7, 20), applied.Cancellation?.EffectiveDate);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var json = await ApiTestServer.JsonAsync(retry);
        Assert.Equal("2026-07-20", json.GetProperty("consequence").GetProperty("effectiveDate").GetString());
        Assert.Equal("§27-1", json.GetProperty("consequence").GetProperty("clause").GetString());
        Assert.Equal("ending", json.GetProperty("status").GetString());
        Assert.Equal(applied.Version, json.GetProperty("version").GetInt64());
        // Applied once: the retry changed nothing, and its answer is now the one kept under the key.
        Assert.Equal(applied.Version, (await stores.Contracts.GetAsync("C-CRASH"))!.State.Version);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task SecondCancellationUnderANewKey_IsStillRefused()
    {
        var stores = InMemoryStores.Create();
        await using var server = await ApiTestServer.StartAsync(stores, new LocalDate(2026, 6, 15));
        await server.PostAsync("/api/v1/contracts", ApiTestServer.Smallest("C-TWICE"));
        const string Body = """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20"}""";

        var first = await server.PostAsync("/api/v1/contracts/C-TWICE/cancellation-requests", Body, "cancel-a");
        var second = await server.PostAsync("/api/v1/contracts/C-TWICE/cancellation-requests", Body, "cancel-b");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }
}
