using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudLifecycle.Host.Tests.Reliability;

/// <summary>
/// <c>cloudlifecycle serve --embedded</c> as an operator starts it: a separate process on a free
/// loopback port, Kestrel in front, its stdout and stderr kept. Disposing kills the process (and only it).
/// </summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly StringBuilder stdout = new();
    private readonly StringBuilder stderr = new();
    private readonly string outDir;

    private ServeProcess(Process process, int port, string outDir)
    {
        this.process = process;
        Port = port;
        this.outDir = outDir;
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    public string Stdout
    {
        get
        {
            lock (stdout)
            {
                return stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }
    }

    public static async Task<ServeProcess> StartAsync(string apiKey, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var outDir = Path.Combine(Path.GetTempPath(), "cl-serve-fuzz-" + Guid.NewGuid().ToString("N"));
        var info = Info(["serve", "--embedded", "--urls", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "--out", outDir, "--tick-seconds", "3600"],
            new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["CloudLifecycle__ApiKeys__0"] = apiKey });
        var process = Process.Start(info) ?? throw new InvalidOperationException("serve did not start");
        var serve = new ServeProcess(process, port, outDir);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (serve.stdout)
            {
                serve.stdout.AppendLine(e.Data);
            }

            if (e.Data.StartsWith("serving the CRM API", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (serve.stderr)
                {
                    serve.stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(StartTimeout));
        if (first != ready.Task)
        {
            await serve.DisposeAsync();
            throw new InvalidOperationException($"serve did not come up: exit {(process.HasExited ? process.ExitCode : -1)}\n{serve.Stdout}\n{serve.Stderr}");
        }

        return serve;
    }

    /// <summary>Runs the command line to its end in a process of its own (for settings read from the environment).</summary>
    public static async Task<(int Exit, string Out, string Err)> RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        using var process = Process.Start(Info(args, environment)) ?? throw new InvalidOperationException("the command line did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        if (Directory.Exists(outDir))
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    internal static ProcessStartInfo Info(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        // The host program is copied beside the tests (a referenced Exe project brings its runtimeconfig and deps).
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cloudlifecycle.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Settings come from the environment only: none of the test process's own CloudLifecycle__ variables leak in.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("CloudLifecycle__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return info;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One HTTP/1.1 exchange over a fresh connection, from bytes: nothing the client library would refuse to send is out of reach.</summary>
internal static class RawHttp
{
    /// <summary>The answer's status (0 when the server closed without one) and content type, or null when it did not answer in time.</summary>
    public static async Task<(int Status, string? ContentType)?> SendAsync(int port, byte[] request, TimeSpan timeout, bool hangUp = false)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancel.Token);
            var stream = client.GetStream();
            try
            {
                await stream.WriteAsync(request, cancel.Token);
                if (hangUp)
                {
                    // Done sending before the announced end: the server sees the end of the stream.
                    client.Client.Shutdown(SocketShutdown.Send);
                }
            }
            catch (IOException)
            {
                // The server answered and closed before taking the whole request (a body over its limit): read what it said.
            }

            var received = new MemoryStream();
            var buffer = new byte[8192];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancel.Token)) > 0)
            {
                received.Write(buffer, 0, read);
                if (HeadEnd(received) >= 0)
                {
                    break;
                }
            }

            return Parse(received.ToArray());
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (IOException)
        {
            return (0, null);
        }
        catch (SocketException)
        {
            return (0, null);
        }
    }

    private static int HeadEnd(MemoryStream received) =>
        Encoding.Latin1.GetString(received.GetBuffer(), 0, (int)received.Length).IndexOf("\r\n\r\n", StringComparison.Ordinal);

    private static (int Status, string? ContentType) Parse(byte[] response)
    {
        var text = Encoding.Latin1.GetString(response);
        var lines = text.Split("\r\n");
        if (lines.Length == 0 || !lines[0].StartsWith("HTTP/1.1 ", StringComparison.Ordinal)
            || !int.TryParse(lines[0].AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            return (0, null);
        }

        var contentType = lines.Skip(1).TakeWhile(l => l.Length > 0)
            .FirstOrDefault(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?["Content-Type:".Length..].Trim();
        return (status, contentType);
    }
}
