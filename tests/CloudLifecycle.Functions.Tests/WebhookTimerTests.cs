using System.Collections.Concurrent;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Lifecycle;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;

namespace CloudLifecycle.Functions.Tests;

/// <summary>Issue 16: the Functions app's WebhookDelivery timer runs the webhook pass when an endpoint is configured, and nothing otherwise.</summary>
public sealed class WebhookTimerTests
{
    private sealed class RecordingSender : IWebhookSender
    {
        public ConcurrentQueue<WebhookRequest> Posted { get; } = new();

        public Task<int> PostAsync(WebhookRequest request, CancellationToken cancellationToken = default)
        {
            Posted.Enqueue(request);
            return Task.FromResult(204);
        }
    }

    private static (ServiceProvider Services, RecordingSender Sender) Compose(LifecycleStores stores, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create("CloudLifecycle:" + s.Key, (string?)s.Value))
            .Append(KeyValuePair.Create("CloudLifecycle:ApiKeys:0", (string?)FunctionsAppHost.ApiKey))
            .Append(KeyValuePair.Create("CloudLifecycle:Issuer:Name", (string?)FunctionsAppHost.Issuer.Name))
            .Append(KeyValuePair.Create("CloudLifecycle:Issuer:RegistrationNumber", (string?)FunctionsAppHost.Issuer.RegistrationNumber))).Build();
        var sender = new RecordingSender();
        var services = new ServiceCollection().AddLogging()
            .AddSingleton(stores)
            .AddSingleton<IClock>(new FakeClock(Tokyo.WakeInstant(new LocalDate(2026, 4, 1))))
            .AddSingleton<IWebhookSender>(sender)
            .AddFunctionsApp(configuration)
            .BuildServiceProvider();
        return (services, sender);
    }

    private static async Task<LifecycleStores> OneRegistrationAsync(LifecycleStores stores)
    {
        var decision = LifecycleDecider.Decide(Contracts.Eclect("F-1", new LocalDate(2026, 4, 1)).ToState(), new Registered(), new LocalDate(2026, 4, 1));
        await new CommandExecutor(stores).ExecuteAsync(decision.Commands, Tokyo.WakeInstant(new LocalDate(2026, 4, 1)));
        return stores;
    }

    [Fact]
    public async Task WithAnEndpointConfigured_TheTimerDeliversTheOutbox()
    {
        var stores = await OneRegistrationAsync(InMemoryStores.WithWebhooks());
        var (services, sender) = Compose(stores, ("Webhooks:Url", "https://crm.example.jp/hooks"), ("Webhooks:Secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        using var disposing = services;

        await ActivatorUtilities.CreateInstance<WebhookFunctions>(services).WebhookDeliveryAsync(FunctionsAppHost.Timer(), CancellationToken.None);

        Assert.Equal(["contract/F-1/event/registered"], sender.Posted.Select(p => p.Id));
        Assert.Equal(WebhookStatus.Delivered, (await stores.Webhooks!.GetAsync("contract/F-1/event/registered"))!.Status);
    }

    [Fact]
    public async Task WithoutAnEndpoint_TheTimerDoesNothing()
    {
        var (services, sender) = Compose(await OneRegistrationAsync(InMemoryStores.Create()));
        using var disposing = services;

        await ActivatorUtilities.CreateInstance<WebhookFunctions>(services).WebhookDeliveryAsync(FunctionsAppHost.Timer(), CancellationToken.None);

        Assert.Empty(sender.Posted);
        Assert.Null(services.GetService<WebhookDelivery>());
    }
}
