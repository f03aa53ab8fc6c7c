using System.Reflection;
using CloudLifecycle.Core.Application;

namespace CloudLifecycle.Core.Tests;

/// <summary>
/// The application (CloudLifecycle.Core) runs rounds and runs for a host, and the host owns time,
/// randomness and threads: the clock is an injected <c>IClock</c>, the retry pause an
/// <see cref="IRetryJitter"/>, the background of a billing run an <see cref="IBackgroundWork"/>. No
/// method body in the assembly may read a clock, draw a random number or start a thread, a timer or a
/// <c>Task.Run</c>. <c>Task.Delay</c> stays allowed: the retry back-off waits for the pause the host
/// chose, and the in-process round waits (cancellably) for an event that has not come.
/// </summary>
public class ApplicationPurityTests
{
    private static readonly Assembly Application = typeof(ContractWorkflow).Assembly;

    /// <summary>Members that read the time, chance or the scheduler, by declaring type; null forbids the whole type.</summary>
    private static readonly Dictionary<string, string[]?> Forbidden = new(StringComparer.Ordinal)
    {
        ["System.DateTime"] = ["get_Now", "get_UtcNow", "get_Today"],
        ["System.DateTimeOffset"] = ["get_Now", "get_UtcNow"],
        ["System.Environment"] = ["get_TickCount", "get_TickCount64"],
        ["System.TimeProvider"] = null,
        ["System.Random"] = null,
        ["System.Security.Cryptography.RandomNumberGenerator"] = null,
        ["System.Diagnostics.Stopwatch"] = null,
        ["System.Threading.Thread"] = null,
        ["System.Threading.ThreadPool"] = null,
        ["System.Threading.Timer"] = null,
        ["System.Threading.Tasks.Task"] = ["Run", "get_Factory"],
        ["System.Threading.Tasks.TaskFactory"] = null,
        ["NodaTime.SystemClock"] = null,
    };

    [Fact]
    public void NoMethodOfTheApplication_ReadsAClockDrawsARandomNumberOrStartsAThread()
    {
        var offences = new List<string>();
        var scanned = 0;
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in Application.GetTypes())
        {
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                scanned++;
                offences.AddRange(DomainPurityTests.CalledMembers(method).Where(IsForbidden).Select(m => $"{type.FullName}.{method.Name} uses {m.DeclaringType?.FullName}.{m.Name}"));
            }
        }

        Assert.True(scanned > 200, $"only {scanned} methods scanned");
        Assert.Empty(offences);
    }

    [Theory]
    [InlineData(nameof(StartsATask))]
    [InlineData(nameof(DrawsARandomNumber))]
    [InlineData(nameof(ReadsTheSystemClock))]
    public void TheScanner_FindsWhatTheApplicationMayNotDo(string name)
    {
        var method = typeof(ApplicationPurityTests).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;

        Assert.Contains(DomainPurityTests.CalledMembers(method), IsForbidden);
    }

    private static Task StartsATask() => Task.Run(() => { });

    private static int DrawsARandomNumber() => Random.Shared.Next(5, 25);

    private static NodaTime.Instant ReadsTheSystemClock() => NodaTime.SystemClock.Instance.GetCurrentInstant();

    private static bool IsForbidden(MemberInfo member) =>
        member.DeclaringType?.FullName is { } type
        && Forbidden.TryGetValue(type, out var names)
        && (names is null || names.Contains(member.Name));
}
