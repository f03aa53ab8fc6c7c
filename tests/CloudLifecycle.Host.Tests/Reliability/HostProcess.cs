using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace CloudLifecycle.Host.Tests.Reliability;

/// <summary>
/// One run of the command line (<c>run-month</c>, <c>serve --once</c>) over real storage, in a process of its own
/// that the test may kill -9 at any moment (<see cref="Process.Kill(bool)"/> sends SIGKILL on Linux: no handler,
/// no finally, no flush). Disposing kills it if it still runs, so no test leaves a process behind.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly Stopwatch watch = Stopwatch.StartNew();

    private HostProcess(Process process) => this.process = process;

    public TimeSpan Elapsed => watch.Elapsed;

    public bool HasExited => process.HasExited;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static HostProcess Start(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var process = Process.Start(ServeProcess.Info(args, environment)) ?? throw new InvalidOperationException("the command line did not start");
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Runs to its end (within a deadline) and returns the exit code.</summary>
    public async Task<int> WaitAsync()
    {
        using var timeout = new CancellationTokenSource(RunTimeout);
        await process.WaitForExitAsync(timeout.Token);
        watch.Stop();
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>kill -9; true when the process was still running (the kill landed), false when it had already ended.</summary>
    public async Task<bool> KillAsync()
    {
        var landed = false;
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                landed = true;
            }
        }
        catch (InvalidOperationException)
        {
            // It ended between the check and the kill.
        }

        await process.WaitForExitAsync();
        watch.Stop();
        return landed && process.ExitCode != 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}

/// <summary>
/// The figures a reliability test prints: in the test's output, on the console, and appended to
/// <c>reliability-figures.txt</c> beside the test assembly, which <c>.ci/run</c> prints after the tests.
/// </summary>
internal static class ReliabilityFigures
{
    /// <summary><c>CLOUDLIFECYCLE_RELIABILITY_KILLS</c>: kills per kill test (default 4; a longer run sets 20).</summary>
    public static int Kills => Setting("CLOUDLIFECYCLE_RELIABILITY_KILLS", 4);

    /// <summary><c>CLOUDLIFECYCLE_RELIABILITY_SEED</c>: the seed of the kill points and targets (default 13).</summary>
    public static int Seed => Setting("CLOUDLIFECYCLE_RELIABILITY_SEED", 13);

    public static void Write(ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
        File.AppendAllText(Path.Combine(AppContext.BaseDirectory, "reliability-figures.txt"), line + Environment.NewLine);
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
