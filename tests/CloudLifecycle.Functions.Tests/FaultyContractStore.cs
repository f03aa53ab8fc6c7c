using System.Collections.Concurrent;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Lifecycle;

namespace CloudLifecycle.Functions.Tests;

/// <summary>
/// The contract store with two faults a test can switch on: hold the next read of a contract until
/// released (to raise an event while a round is inside its activities), and lose every save of a
/// contract to "another writer" (so its round fails with <see cref="ConcurrencyException"/>, as a real
/// orchestration dies).
/// </summary>
internal sealed class FaultyContractStore(IContractStore inner) : IContractStore
{
    private readonly ConcurrentDictionary<string, Hold> holds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> reads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> losingSaves = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Hold> afterSave = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> failingReads = new(StringComparer.Ordinal);

    /// <summary>
    /// The next save of <paramref name="contractId"/> that carries commands is stored, then holds its caller until
    /// released: a host that dies there (release with an exception) leaves the commands pending on the row.
    /// </summary>
    public Hold HoldAfterSave(string contractId)
    {
        var hold = new Hold(0);
        afterSave[contractId] = hold;
        return hold;
    }

    /// <summary>The next <paramref name="times"/> reads of <paramref name="contractId"/> fail (a storage blip).</summary>
    public void FailReads(string contractId, int times) => failingReads[contractId] = times;

    /// <summary>The read of <paramref name="contractId"/> after the next <paramref name="skip"/> waits until the hold is released.</summary>
    public Hold HoldRead(string contractId, int skip = 0)
    {
        var hold = new Hold(reads.GetValueOrDefault(contractId) + skip + 1);
        holds[contractId] = hold;
        return hold;
    }

    public void LoseSaves(string contractId, bool lose) => losingSaves[contractId] = lose;

    public async Task<StoredContract?> GetAsync(string contractId, CancellationToken cancellationToken = default)
    {
        if (failingReads.TryGetValue(contractId, out var failing) && failing > 0 && failingReads.TryUpdate(contractId, failing - 1, failing))
        {
            throw new IOException($"the read of {contractId} failed (a storage blip injected by the test)");
        }

        var read = reads.AddOrUpdate(contractId, 1, (_, count) => count + 1);
        if (holds.TryGetValue(contractId, out var hold) && hold.AtRead == read && holds.TryRemove(contractId, out _))
        {
            hold.Entered.TrySetResult();
            await hold.Released.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return await inner.GetAsync(contractId, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> TryCreateAsync(ContractState state, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default) =>
        inner.TryCreateAsync(state, pendingCommands, cancellationToken);

    public async Task<string> ReplaceAsync(ContractState state, string etag, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default)
    {
        if (losingSaves.TryGetValue(state.ContractId, out var lose) && lose)
        {
            throw new ConcurrencyException(state.ContractId);
        }

        var saved = await inner.ReplaceAsync(state, etag, pendingCommands, cancellationToken).ConfigureAwait(false);
        if (pendingCommands.Count > 0 && afterSave.TryRemove(state.ContractId, out var hold))
        {
            hold.Entered.TrySetResult();
            await hold.Released.Task.ConfigureAwait(false);
        }

        return saved;
    }

    public Task<ReplaceManyResult> ReplaceManyAsync(IReadOnlyList<StoredContract> states, CancellationToken cancellationToken = default) =>
        inner.ReplaceManyAsync(states, cancellationToken);

    public IAsyncEnumerable<IReadOnlyList<StoredContract>> ScanAsync(int pageSize, CancellationToken cancellationToken = default) => inner.ScanAsync(pageSize, cancellationToken);

    public sealed class Hold(int atRead)
    {
        public int AtRead { get; } = atRead;

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
