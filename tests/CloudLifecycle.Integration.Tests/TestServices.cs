using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace CloudLifecycle.Integration.Tests;

/// <summary>
/// Starts Azurite (Tables and Blobs, in memory) and maildev (SMTP + its HTTP API) from the
/// repository's node_modules on free loopback ports, installing them with <c>npm ci</c> first if
/// they are missing, and stops them when the tests end.
/// </summary>
public sealed class TestServices : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly List<Process> processes = [];
    private readonly Dictionary<Process, System.Text.StringBuilder> outputs = [];

    public string StorageConnectionString { get; private set; } = string.Empty;

    public int SmtpPort { get; private set; }

    public HttpClient MailApi { get; } = new();

    public async Task InitializeAsync()
    {
        var root = RepositoryRoot();
        var bin = Path.Combine(root, "node_modules", ".bin");
        if (!File.Exists(Path.Combine(bin, "azurite")) || !File.Exists(Path.Combine(bin, "maildev")))
        {
            // Two test assemblies start this fixture (the integration tests, the host's reliability suite), in parallel:
            // one installs, the other waits for it and finds the tools there.
            using var installing = await LockAsync(Path.Combine(Path.GetTempPath(), "cloudlifecycle-npm-ci.lock"));
            if (!File.Exists(Path.Combine(bin, "azurite")) || !File.Exists(Path.Combine(bin, "maildev")))
            {
                await RunToEndAsync("npm", "ci --no-audit --no-fund", root);
            }
        }

        var ports = FreePorts(5);
        int blob = ports[0], table = ports[1], queue = ports[2], web = ports[4];
        SmtpPort = ports[3];
        Start(Path.Combine(bin, "azurite"), $"--silent --inMemoryPersistence --skipApiVersionCheck --loose --blobHost 127.0.0.1 --blobPort {blob} --tableHost 127.0.0.1 --tablePort {table} --queueHost 127.0.0.1 --queuePort {queue}", root);
        Start(Path.Combine(bin, "maildev"), $"--ip 127.0.0.1 --smtp {SmtpPort} --web {web} --silent", root);
        await WaitForPortAsync(blob);
        await WaitForPortAsync(table);
        await WaitForPortAsync(SmtpPort);
        await WaitForPortAsync(web);
        StorageConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
        MailApi.BaseAddress = new Uri($"http://127.0.0.1:{web}/");
    }

    public Task DisposeAsync()
    {
        foreach (var process in processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        MailApi.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The messages maildev holds, as its API returns them.</summary>
    public async Task<IReadOnlyList<JsonElement>> EmailsAsync() =>
        await MailApi.GetFromJsonAsync<List<JsonElement>>("api/email") ?? [];

    private void Start(string program, string arguments, string directory)
    {
        var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"could not start {program}");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        outputs[process] = output;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        processes.Add(process);
    }

    private static async Task RunToEndAsync(string program, string arguments, string directory)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { WorkingDirectory = directory, UseShellExecute = false })
            ?? throw new InvalidOperationException($"could not start {program}");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments} exited with {process.ExitCode}");
        }
    }

    /// <summary>An exclusive lock on <paramref name="path"/> across processes, waited for (within 10 minutes: an install's time).</summary>
    private static async Task<FileStream> LockAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }
    }

    /// <summary>Distinct free ports: every listener is held until all are chosen, so no port is handed out twice.</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    private async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (processes.FirstOrDefault(p => p.HasExited) is { } exited)
            {
                // A service that died will never listen: say why instead of waiting out the deadline.
                throw new InvalidOperationException($"{exited.StartInfo.FileName} exited with {exited.ExitCode}: {outputs[exited]}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "package.json")) && File.Exists(Path.Combine(directory.FullName, "CloudLifecycle.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("repository root (package.json beside CloudLifecycle.sln) not found");
    }
}

[CollectionDefinition(Name)]
public sealed class ServicesFixtureGroup : ICollectionFixture<TestServices>
{
    public const string Name = "Azurite and maildev";
}
