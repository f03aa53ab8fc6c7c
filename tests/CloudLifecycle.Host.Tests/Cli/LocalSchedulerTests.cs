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
}
