using System.Reflection;
using CloudLifecycle.Api;
using NodaTime;

namespace CloudLifecycle.Client.Tests;

/// <summary>
/// The client cannot drift from the document: the build generates it from the document the host writes
/// (<c>cloudlifecycle openapi</c>), and that document is the one the API serves; Kiota reads it without a complaint
/// other than those listed here as understood.
/// </summary>
public sealed class ClientGenerationTests
{
    /// <summary>
    /// What Kiota says about the document that we keep: the document's server is "/" — relative, as the API's address
    /// belongs to the deployment (PublicBaseUrl) — so a generated client is given its base URL.
    /// </summary>
    private static readonly string[] UnderstoodWarnings = ["A servers entry (v3) or host + basePath + schemes properties (v2) was not present"];

    [Fact]
    public async Task ClientIsGeneratedFrom_TheDocumentTheApiServes()
    {
        await using var server = await ClientTestServer.StartAsync(new LocalDate(2026, 6, 15));
        var served = await server.Raw.GetByteArrayAsync(new Uri(CrmApiOptions.OpenApiPath, UriKind.Relative));

        var generatedFrom = await File.ReadAllBytesAsync(Metadata("CrmOpenApiDocument"));

        Assert.Equal(served, generatedFrom);
    }

    [Fact]
    public void Kiota_ReadsTheDocument_WithNoWarningBeyondTheUnderstoodOnes()
    {
        var log = File.ReadAllLines(Metadata("KiotaLog"));
        var warnings = log.Select((line, i) => (line, i)).Where(l => l.line.StartsWith("warn:", StringComparison.Ordinal) || l.line.StartsWith("fail:", StringComparison.Ordinal) || l.line.StartsWith("crit:", StringComparison.Ordinal))
            .Select(l => l.i + 1 < log.Length ? log[l.i + 1].Trim() : l.line)
            .ToList();

        Assert.Contains("Generation completed successfully", string.Join('\n', log), StringComparison.Ordinal);
        Assert.All(warnings, w => Assert.Contains(UnderstoodWarnings, u => w.Contains(u, StringComparison.Ordinal)));
    }

    private static string Metadata(string key) =>
        typeof(ClientGenerationTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"no {key} in the test assembly's metadata");
}
