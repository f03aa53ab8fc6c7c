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

    public string StorageConnectionString { get; private set; } = string.Empty;

    public int SmtpPort { get; private set; }

    public HttpClient MailApi { get; } = new();

    public async Task InitializeAsync()
    {
        var root = RepositoryRoot();
        var bin = Path.Combine(root, "node_modules", ".bin");
        if (!File.Exists(Path.Combine(bin, "azurite")) || !File.Exists(Path.Combine(bin, "maildev")))
        {
            await RunToEndAsync("npm", "ci --no-audit --no-fund", root);
        }

        int blob = FreePort(), table = FreePort(), queue = FreePort();
        SmtpPort = FreePort();
        var web = FreePort();
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
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
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
