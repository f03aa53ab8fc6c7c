using CloudLifecycle.Core.Application;

namespace CloudLifecycle.Hosting;

/// <summary>
/// The hosts' retry pause: 5 to 24 ms times the round, drawn at random so that two processes that lost
/// the same save do not step aside in step and collide again.
/// </summary>
public sealed class RandomRetryJitter : IRetryJitter
{
    public static RandomRetryJitter Instance { get; } = new();

    public TimeSpan Pause(int round) => TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25) * round);
}
