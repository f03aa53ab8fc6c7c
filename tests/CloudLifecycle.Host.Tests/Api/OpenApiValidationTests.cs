using System.Diagnostics;
using CloudLifecycle.Api;
using CloudLifecycle.Core.Application.InMemory;
using NodaTime;

namespace CloudLifecycle.Tests.Api;

/// <summary>
/// The OpenAPI document as a client generator reads it: served by the API, then checked by validators
/// that share no code with the one that writes it — swagger-parser (the OpenAPI 3.1 schema, every
/// <c>$ref</c> resolved) and Redocly's linter (recommended rules; <c>.ci/redocly.yaml</c> justifies each
/// rule turned off) — through <c>.ci/validate-openapi.mjs</c>, the script <c>.ci/run</c> runs on the same file.
/// </summary>
public sealed class OpenApiValidationTests
{
    /// <summary>Where the served document is written, for <c>.ci/run</c> to validate again and for a reader to open.</summary>
    public static string DocumentPath => Path.Combine(AppContext.BaseDirectory, "openapi", "v1.json");

    [Fact]
    public async Task ServedDocument_PassesIndependentValidators_WithNoErrorOrWarning()
    {
        await using var server = await ApiTestServer.StartAsync(InMemoryStores.Create(), new LocalDate(2026, 6, 15));
        var response = await server.Client.GetAsync(CrmApiOptions.OpenApiPath);
        response.EnsureSuccessStatusCode();
        Directory.CreateDirectory(Path.GetDirectoryName(DocumentPath)!);
        await File.WriteAllBytesAsync(DocumentPath, await response.Content.ReadAsByteArrayAsync());

        var root = RepositoryRoot();
        if (!File.Exists(Path.Combine(root, "node_modules", "@redocly", "cli", "package.json"))
            || !File.Exists(Path.Combine(root, "node_modules", "@apidevtools", "swagger-parser", "package.json")))
        {
            // As the integration tests do for Azurite: the validators are pinned in package-lock.json.
            var (install, installOutput) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], root);
            Assert.True(install == 0, $"npm ci failed ({install}):\n{installOutput}");
        }

        var (exit, output) = await RunAsync("node", [Path.Combine(root, ".ci", "validate-openapi.mjs"), DocumentPath], root);

        Assert.True(exit == 0, $"the OpenAPI document does not validate:\n{output}");
        Assert.Contains("swagger-parser: valid", output, StringComparison.Ordinal);
        Assert.Contains("redocly: valid, no warnings", output, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string program, IReadOnlyList<string> arguments, string directory)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    internal static string RepositoryRoot()
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
