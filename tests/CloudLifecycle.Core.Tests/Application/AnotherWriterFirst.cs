using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Lifecycle;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>A contract store where, just before the first save of one contract, another writer goes first.</summary>
internal sealed class AnotherWriterFirst(IContractStore inner, string contractId, Func<Task> otherWriter) : IContractStore
{
    private bool armed = true;

    public Task<StoredContract?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

    public Task<bool> TryCreateAsync(ContractState state, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default) =>
        inner.TryCreateAsync(state, pendingCommands, cancellationToken);

    public async Task<string> ReplaceAsync(ContractState state, string etag, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default)
    {
        await InterveneAsync(state.ContractId);
        return await inner.ReplaceAsync(state, etag, pendingCommands, cancellationToken);
    }

    public async Task<ReplaceManyResult> ReplaceManyAsync(IReadOnlyList<StoredContract> states, CancellationToken cancellationToken = default)
    {
        foreach (var stored in states)
        {
            await InterveneAsync(stored.State.ContractId);
        }

        return await inner.ReplaceManyAsync(states, cancellationToken);
    }

    public IAsyncEnumerable<IReadOnlyList<StoredContract>> ScanAsync(int pageSize, CancellationToken cancellationToken = default) => inner.ScanAsync(pageSize, cancellationToken);

    private async Task InterveneAsync(string id)
    {
        if (armed && id == contractId)
        {
            armed = false;
            await otherWriter();
        }
    }
}
