using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CloudLifecycle.Api;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Hosting;
using NodaTime;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// <c>openapi [--out FILE]</c>: the CRM API's OpenAPI document, byte for byte as <c>serve</c> answers
/// <c>GET /openapi/v1.json</c>, without starting a server or reading configuration — for a client generator
/// (tests/CloudLifecycle.Client.Tests generates its Kiota client from it during the build).
/// </summary>
internal sealed class OpenApiCommand : ICommand
{
    public string Name => "openapi";

    public string Synopsis => "[--out FILE]";

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var output = arguments.Optional("out");
        arguments.EnsureAllUsed(Name);
        var document = Document();
        if (output is null)
        {
            stdout.Write(Encoding.UTF8.GetString(document));
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(output));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        // Unchanged bytes are not rewritten, so a build that generates from this file stays incremental.
        if (!File.Exists(output) || !File.ReadAllBytes(output).AsSpan().SequenceEqual(document))
        {
            File.WriteAllBytes(output, document);
        }

        stdout.WriteLine($"{Path.GetFullPath(output)}: OpenAPI {CrmApiOptions.OpenApiPath}, {document.Length} bytes");
    }

    /// <summary>
    /// The document the API serves. It is built from the route table alone; the API needs a key to exist, so it is
    /// given a random one that nothing can call (no server is started) and in-memory stores nothing reads.
    /// </summary>
    internal static byte[] Document()
    {
        var stores = InMemoryStores.Create();
        var workflow = new ContractWorkflow(stores, SystemClock.Instance);
        using var runs = new BackgroundBillingRuns(stores, workflow, SystemClock.Instance, ThreadPoolBackgroundWork.Instance);
        var options = new CrmApiOptions
        {
            ApiKeys = [Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))],
            DefaultIssuer = new Issuer("openapi", "T0000000000000"),
        };
        using var api = new CrmApi(options, stores, workflow, runs);
        return api.OpenApiJson();
    }
}
