using CloudLifecycle.Core.Application;

namespace CloudLifecycle.Hosting;

/// <summary>The local host's background: the thread pool, so that the request that started a run returns at once.</summary>
public sealed class ThreadPoolBackgroundWork : IBackgroundWork
{
    public static ThreadPoolBackgroundWork Instance { get; } = new();

    public Task Start(Func<Task> work) => Task.Run(work, CancellationToken.None);
}
