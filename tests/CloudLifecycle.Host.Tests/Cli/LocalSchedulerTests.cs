using CloudLifecycle.Adapters.Email;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Host.Cli;
using CloudLifecycle.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;

namespace CloudLifecycle.Host.Tests.Cli;

/// <summary>
/// <c>serve</c>'s scheduler composed through the shared registrations: once a day it runs the Azure
/// timer's <see cref="DailyJob"/>, so the month it invoices is a billing run like one the CRM starts
/// (its status readable at <c>GET /billing-runs/{month}</c>), and a second tick the same day runs nothing again.
/// </summary>
public sealed class LocalSchedulerTests : IDisposable
{
    private static readonly Issuer Issuer = new("テスト請求株式会社", "T1234567890123");
    private readonly string outDir = Path.Combine(Path.GetTempPath(), "cl-scheduler-" + Guid.NewGuid().ToString("N"));
    private readonly FakeClock clock = new(Tokyo.WakeInstant(new LocalDate(2026, 4, 1)));
    private readonly ServiceProvider services;

    public LocalSchedulerTests()
    {
        var settings = LifecycleSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CloudLifecycle:Billing:RunDay"] = "2" }).Build());
        services = Composition.Services(settings, clock, local =>
        {
            local.AddSingleton(InMemoryStores.Create());
            local.AddSingleton<IEmailSender>(new EmlFileEmailSender(outDir, settings.Smtp.FromAddress));
        });
    }

    private LocalScheduler Scheduler() => new ServeServices(services, 2, "test").Scheduler();

    [Fact]
    public async Task OnTheBillingDay_TheDailyJobInvoicesLastMonthAsABillingRun_AndASecondTickThatDayRunsNothingAgain()
    {
        await services.GetRequiredService<ContractWorkflow>().RegisterAsync(new ContractRegistration("S-1", ProductCode.NttEastAwsOps, new Customer("顧客株式会社", "s-1@example.com"),
            new ContractDates(new LocalDate(2026, 4, 10)), Issuer, new BillingProfile { Plan = new PlanSelection("standard", 4) }));
        clock.Reset(Tokyo.WakeInstant(new LocalDate(2026, 6, 2)));

        var first = await Scheduler().TickAsync(CancellationToken.None);
        var again = await Scheduler().TickAsync(CancellationToken.None);
        var status = await services.GetRequiredService<IBillingRuns>().GetAsync(new YearMonth(2026, 5));

        Assert.Equal((new YearMonth(2026, 5), 1), (first.BillingRun?.Month, first.BillingRun?.Invoiced));
        Assert.NotNull(first.OverdueNotices);
        Assert.Equal(BillingRunState.Completed, status?.State);
        Assert.NotNull(await services.GetRequiredService<LifecycleStores>().Invoices.GetAsync("INV-S-1-202605"));
        Assert.Equal((null, (int?)null), (again.BillingRun, again.OverdueNotices));
    }

    [Fact]
    public async Task TheDayAfter_TheOverdueCheckRunsAgain_AndTheCompletedMonthIsNotRunAgain()
    {
        clock.Reset(Tokyo.WakeInstant(new LocalDate(2026, 6, 2)));
        await Scheduler().TickAsync(CancellationToken.None);
        clock.Reset(Tokyo.WakeInstant(new LocalDate(2026, 6, 3)));

        var next = await Scheduler().TickAsync(CancellationToken.None);

        Assert.Null(next.BillingRun);
        Assert.NotNull(next.OverdueNotices);
    }

    [Fact]
    public async Task AContractWhoseWakeUpFails_IsNamedOnTheTicksLine_AndStopsNeitherTheOthersNorTheDailyJob()
    {
        var contracts = new FailingReads(new InMemoryContractStore());
        var settings = LifecycleSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CloudLifecycle:Billing:RunDay"] = "28" }).Build());
        using var composed = Composition.Services(settings, clock, local =>
        {
            local.AddSingleton(InMemoryStores.Create() with { Contracts = contracts });
            local.AddSingleton<IEmailSender>(new EmlFileEmailSender(outDir, settings.Smtp.FromAddress));
        });
        var stores = composed.GetRequiredService<LifecycleStores>();
        var workflow = composed.GetRequiredService<ContractWorkflow>();
        foreach (var id in new[] { "W-1", "W-2", "W-3" })
        {
            await workflow.RegisterAsync(new ContractRegistration(id, ProductCode.EclectAws, new Customer("顧客株式会社", $"{id}@example.com"), new ContractDates(new LocalDate(2026, 4, 1)), Issuer));
        }

        var wake = (await stores.Contracts.GetAsync("W-1"))!.State.NextWake!.Value;
        clock.Reset(Tokyo.WakeInstant(wake));
        contracts.Failing = "W-2";

        // The billing day is later in the month: no run moves W-2's wake-up meanwhile.
        var tick = await new ServeServices(composed, 28, "test").Scheduler().TickAsync(CancellationToken.None);

        Assert.Equal(2, tick.Woken);
        Assert.Equal(["W-2"], tick.WakeFailures!.Failures.Select(f => f.ContractId));
        Assert.Contains("1 failed, still due: W-2: InvalidOperationException: storage unavailable", tick.ToString(), StringComparison.Ordinal);
        Assert.NotNull(tick.OverdueNotices);
        Assert.True((await stores.Contracts.GetAsync("W-1"))!.State.ProcessedThrough >= wake);
        var due = new List<string>();
        await foreach (var entry in stores.DueIndex.DueAsync(wake))
        {
            due.Add(entry.ContractId);
        }

        Assert.Equal(["W-2"], due);
    }

    [Fact]
    public void TheWorkflowTakesWakeParallelFromTheSettings()
    {
        var settings = LifecycleSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CloudLifecycle:Wake:Parallel"] = "5" }).Build());
        using var composed = Composition.Services(settings, clock, local => local.AddSingleton(InMemoryStores.Create()));

        Assert.Equal(5, composed.GetRequiredService<ContractWorkflow>().ParallelWakeUps);
        Assert.Equal(LifecycleSettings.DefaultWakeParallel, services.GetRequiredService<ContractWorkflow>().ParallelWakeUps);
    }

    /// <summary>Issue 16: with an endpoint configured, each tick runs the webhook pass after the email pass, so a notice sent in the tick is announced in it.</summary>
    [Fact]
    public async Task WithWebhooksConfigured_EachTickDeliversWhatTheTickRecorded_TheSentNoticesIncluded()
    {
        var settings = LifecycleSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CloudLifecycle:Billing:RunDay"] = "2",
            ["CloudLifecycle:Webhooks:Url"] = "http://127.0.0.1:9/hooks",
            ["CloudLifecycle:Webhooks:Secret"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        }).Build());
        var posted = new List<string>();
        using var withWebhooks = Composition.Services(settings, clock, local =>
        {
            local.AddSingleton(InMemoryStores.WithWebhooks());
            local.AddSingleton<IEmailSender>(new EmlFileEmailSender(outDir, settings.Smtp.FromAddress));
            local.AddSingleton<IWebhookSender>(new RecordingWebhookSender(posted));
        });
        await withWebhooks.GetRequiredService<ContractWorkflow>().RegisterAsync(new ContractRegistration("S-2", ProductCode.NttEastAwsOps, new Customer("顧客株式会社", "s-2@example.com"),
            new ContractDates(new LocalDate(2026, 4, 10)), Issuer, new BillingProfile { Plan = new PlanSelection("standard", 4) }));

        var tick = await new ServeServices(withWebhooks, 2, "test").Scheduler().TickAsync(CancellationToken.None);

        Assert.Contains("contract/S-2/event/registered", posted);
        Assert.Contains(posted, id => id.StartsWith("notice/S-2/", StringComparison.Ordinal));
        Assert.Equal((posted.Count, 0, 0), (tick.Webhooks!.Delivered, tick.Webhooks.Retrying, tick.Webhooks.Failed));
        Assert.Contains($"webhooks delivered {posted.Count}", tick.ToString(), StringComparison.Ordinal);
    }

    private sealed class RecordingWebhookSender(List<string> posted) : IWebhookSender
    {
        public Task<int> PostAsync(WebhookRequest request, CancellationToken cancellationToken = default)
        {
            lock (posted)
            {
                posted.Add(request.Id);
            }

            return Task.FromResult(200);
        }
    }

    public void Dispose()
    {
        services.Dispose();
        if (Directory.Exists(outDir))
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    /// <summary>The in-memory contract store, whose reads of <see cref="Failing"/> fail as a storage fault would.</summary>
    private sealed class FailingReads(IContractStore inner) : IContractStore
    {
        public string? Failing { get; set; }

        public Task<StoredContract?> GetAsync(string contractId, CancellationToken cancellationToken = default) =>
            contractId == Failing ? throw new InvalidOperationException($"storage unavailable for {contractId}") : inner.GetAsync(contractId, cancellationToken);

        public Task<bool> TryCreateAsync(ContractState state, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default) =>
            inner.TryCreateAsync(state, pendingCommands, cancellationToken);

        public Task<string> ReplaceAsync(ContractState state, string etag, IReadOnlyList<LifecycleCommand> pendingCommands, CancellationToken cancellationToken = default) =>
            inner.ReplaceAsync(state, etag, pendingCommands, cancellationToken);

        public Task<ReplaceManyResult> ReplaceManyAsync(IReadOnlyList<StoredContract> states, CancellationToken cancellationToken = default) =>
            inner.ReplaceManyAsync(states, cancellationToken);

        public IAsyncEnumerable<IReadOnlyList<StoredContract>> ScanAsync(int pageSize, CancellationToken cancellationToken = default) => inner.ScanAsync(pageSize, cancellationToken);
    }
}
