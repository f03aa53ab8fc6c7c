using System.Text;
using NodaTime;

namespace CloudLifecycle.Core.Application;

/// <summary>What one sweep did: rows found with commands pending, rows whose commands it ran, rows left for the next pass.</summary>
public sealed record SweepReport(int Pending, int Completed, int Deferred);

/// <summary>
/// Runs the commands a contract row has kept pending for longer than <see cref="MinimumAge"/>. The row is its own outbox:
/// a round saves the state with its decision's commands, then runs and clears them. If the host dies in between and no
/// round follows soon (the orchestration stopped, or the contract's next round is weeks away), the notices and invoices
/// of a stored decision would wait that long; the local host runs them at its first tick, and this sweep does the same
/// for the Functions app on a timer. A row is swept only once it has been seen pending at the same version by an earlier
/// pass at least <see cref="MinimumAge"/> ago (the row has no write time every store keeps, so the first sighting is
/// recorded in a document any instance reads), which leaves alone a round that is between its save and its commands.
/// The commands run through the round's own path (<see cref="ContractActivities.CompleteAsync"/>): each is an upsert
/// under a deterministic key, and the row is cleared only if it still holds that decision, so a sweep racing a round
/// enqueues nothing twice.
/// </summary>
public sealed class PendingCommandSweep(LifecycleStores stores, IClock clock)
{
    /// <summary>How long commands may stay pending before the sweep runs them: longer than any live round takes between its save and its commands.</summary>
    public static readonly Duration MinimumAge = Duration.FromMinutes(5);

    /// <summary>At most this many rows are remembered or completed per pass (each pass takes the next).</summary>
    public const int PassSize = 1_000;

    public const string SightingsPath = "sweeps/pending-commands.json";

    private readonly ContractActivities activities = new(stores, clock);

    public async Task<SweepReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetCurrentInstant();
        var earlier = (await LoadAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.ContractId, StringComparer.Ordinal);
        var sightings = new List<Sighting>();
        int pending = 0, completed = 0;
        await foreach (var page in stores.Contracts.ScanPendingAsync(MonthlyInvoiceRun.DefaultPageSize, cancellationToken).ConfigureAwait(false))
        {
            foreach (var stored in page.Where(s => s.PendingCommands.Count > 0))
            {
                if (++pending > PassSize)
                {
                    break;
                }

                var version = stored.State.Version;
                var since = earlier.TryGetValue(stored.State.ContractId, out var seen) && seen.Version == version ? seen.Since : now;
                if (now - since >= MinimumAge)
                {
                    await activities.CompleteAsync(CommandCompletion.Of(stored), cancellationToken).ConfigureAwait(false);
                    completed++;
                }
                else
                {
                    sightings.Add(new Sighting(stored.State.ContractId, version, since));
                }
            }

            if (pending > PassSize)
            {
                break;
            }
        }

        await stores.Documents.PutAsync(SightingsPath, "application/json", Encoding.UTF8.GetBytes(LifecycleJson.Serialize(sightings)), cancellationToken).ConfigureAwait(false);
        return new SweepReport(Math.Min(pending, PassSize), completed, sightings.Count);
    }

    private async Task<IReadOnlyList<Sighting>> LoadAsync(CancellationToken cancellationToken) =>
        await stores.Documents.GetAsync(SightingsPath, cancellationToken).ConfigureAwait(false) is { } bytes
            ? LifecycleJson.Deserialize<List<Sighting>>(Encoding.UTF8.GetString(bytes))
            : [];

    /// <summary>A row first seen pending at <see cref="Version"/> by the pass at <see cref="Since"/>.</summary>
    public sealed record Sighting(string ContractId, long Version, Instant Since);
}
