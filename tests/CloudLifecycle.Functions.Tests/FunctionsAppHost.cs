using System.Net;
using System.Net.Sockets;
using System.Text;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Lifecycle;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;

namespace CloudLifecycle.Functions.Tests;

/// <summary>
/// The Functions app on the real Durable Task worker: the app's services (<see cref="FunctionsApp"/>) over
/// in-memory stores, its orchestrators and activities registered by <see cref="DurableFunctionBinder"/>
/// with a <c>DurableTaskWorker</c> that talks gRPC to <c>InProcessTestHost</c>'s in-memory back end, and
/// its HTTP and timer functions called as the Functions host calls them, with the test host's client as
/// their <c>[DurableClient]</c>. Durable timers run on real time; the activities' clock starts at now and
/// only moves when a test moves it (to make events stale for the reconciler).
/// </summary>
internal sealed class FunctionsAppHost : IAsyncDisposable
{
    public const string ApiKey = "functions-test-key-5c1e-0123456789abcdef";
    public static readonly Issuer Issuer = new("テスト請求株式会社", "T1234567890123");
    // How long a test waits for the worker to reach a state, not a time it asserts: CI runs the five test assemblies at
    // once on two cores, where a billing run once needed more than 30 s; a passing test never waits this long.
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private readonly ServiceProvider services;

    private FunctionsAppHost(ServiceProvider services, FaultyContractStore contracts, LifecycleStores stores, FakeClock clock, OrchestratorResponses responses, DurableTaskTestHost durable)
    {
        this.services = services;
        Contracts = contracts;
        Stores = stores;
        Clock = clock;
        Responses = responses;
        Durable = durable;
    }

    public LifecycleStores Stores { get; }

    /// <summary>The contract store, with faults a test can switch on.</summary>
    public FaultyContractStore Contracts { get; }

    public FakeClock Clock { get; }

    /// <summary>What the worker answered the back end for each orchestration episode.</summary>
    public OrchestratorResponses Responses { get; }

    public DurableTaskTestHost Durable { get; }

    public DurableTaskClient Client => Durable.Client;

    public LocalDate Today => Tokyo.Today(Clock.GetCurrentInstant());

    public T Get<T>()
        where T : notnull => services.GetRequiredService<T>();

    /// <summary>A function class of the app, built as the Functions host builds it.</summary>
    public T Function<T>() => ActivatorUtilities.GetServiceOrCreateInstance<T>(services);

    public static async Task<FunctionsAppHost> StartAsync()
    {
        var clock = new FakeClock(SystemClock.Instance.GetCurrentInstant());
        var contracts = new FaultyContractStore(new InMemoryContractStore());
        var stores = InMemoryStores.Create() with { Contracts = contracts };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CloudLifecycle:ApiKeys:0"] = ApiKey,
            ["CloudLifecycle:Issuer:Name"] = Issuer.Name,
            ["CloudLifecycle:Issuer:RegistrationNumber"] = Issuer.RegistrationNumber,
        }).Build();
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton(stores);
        collection.AddSingleton<IClock>(clock);
        collection.AddFunctionsApp(configuration);
        var provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var binder = new DurableFunctionBinder(typeof(FunctionsApp).Assembly, provider);
        var responses = new OrchestratorResponses();
        var durable = await DurableTaskTestHost.StartAsync(binder.Register, new DurableTaskTestHostOptions
        {
            // A port free now (the host's default is a random one, which another test run may hold).
            Port = FreePort(),
            LoggerFactory = Environment.GetEnvironmentVariable("FUNCTIONS_TESTS_LOG") is { Length: > 0 }
                ? LoggerFactory.Create(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug))
                : null,
            ConfigureServices = worker => worker.ConfigureAll<GrpcDurableTaskWorkerOptions>(options => options.Interceptors.Add(responses)),
        });
        binder.Client = durable.Client;
        Assert.Equal([Orchestrations.BillingRun, Orchestrations.BillingSegment, Orchestrations.Contract, Orchestrations.OverdueCheck], binder.Orchestrators.Order(StringComparer.Ordinal));
        Assert.Equal(13, binder.Activities.Count);
        return new FunctionsAppHost(provider, contracts, stores, clock, responses, durable);
    }

    /// <summary>One request through the app's HTTP trigger (<see cref="CrmHttpFunctions"/>): status and body.</summary>
    public async Task<(int Status, string Body)> SendAsync(string method, string path, string? json = null, string? idempotencyKey = null)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Headers["X-Api-Key"] = ApiKey;
        if (json is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
            context.Request.Headers["Idempotency-Key"] = idempotencyKey ?? Guid.NewGuid().ToString("N");
        }

        var body = new MemoryStream();
        context.Response.Body = body;
        await Function<CrmHttpFunctions>().HandleAsync(context.Request, Client);
        return (context.Response.StatusCode, Encoding.UTF8.GetString(body.ToArray()));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static TimerInfo Timer() => new() { IsPastDue = false };

    public async Task<StoredContract> ContractAsync(string contractId) =>
        await Stores.Contracts.GetAsync(contractId) ?? throw new InvalidOperationException($"{contractId} is not stored");

    public async Task<OrchestrationMetadata> InstanceAsync(string instanceId) =>
        await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true) ?? throw new InvalidOperationException($"no instance {instanceId}");

    /// <summary>Waits until <paramref name="condition"/> holds (the worker runs on its own threads), or fails naming what was awaited.</summary>
    public static async Task EventuallyAsync(string what, Func<Task<bool>> condition, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? Patience);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {(patience ?? Patience).TotalSeconds} s: {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits for an instance's status; one that fails unexpectedly fails the test with its error.</summary>
    public async Task WaitForStatusAsync(string instanceId, OrchestrationRuntimeStatus status) =>
        await EventuallyAsync($"{instanceId} is {status}", async () =>
        {
            var instance = await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
            Assert.False(instance?.RuntimeStatus == OrchestrationRuntimeStatus.Failed && status != OrchestrationRuntimeStatus.Failed,
                $"{instanceId} failed: {instance?.FailureDetails?.ErrorType}: {instance?.FailureDetails?.ErrorMessage}\n{instance?.FailureDetails?.StackTrace}");
            return instance?.RuntimeStatus == status;
        });

    public async ValueTask DisposeAsync()
    {
        await Durable.DisposeAsync();
        await services.DisposeAsync();
    }
}
