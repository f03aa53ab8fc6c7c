using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;
using NodaTime.Testing;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>
/// Issue 14 point 9: delivery paces to the configured rate (per minute and per hour; by default Azure Communication
/// Services' default sending limits, 30 a minute and 100 an hour), reading the budget from what the outbox records as
/// sent, so that passes of different hosts share one pace; a backlog spreads over as many passes as the pace needs,
/// every notice sent once.
/// </summary>
public class OutboxPacingTests
{
    /// <summary>An SMTP server recording when (by the test's clock) it accepted each message.</summary>
    private sealed class RecordingServer(IClock clock) : IEmailSender
    {
        public List<(string MessageId, Instant At)> Accepted { get; } = [];

        public Task<string> SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
        {
            Accepted.Add((message.MessageId, clock.GetCurrentInstant()));
            return Task.FromResult("250 2.0.0 OK");
        }
    }

    private sealed class PlainRenderer : INoticeRenderer
    {
        public EmailMessage Render(Notice notice, string messageId) =>
            new(messageId, notice.To.Email, notice.To.Name, notice.Subject.En, notice.Subject.En, notice.Subject.En);
    }

    [Fact]
    public void Defaults_AreAzureCommunicationServicesDefaultSendingLimits()
    {
        var options = new DeliveryOptions();
        Assert.Equal((100, 30), (options.HourlyQuota, options.MinuteQuota));
    }

    [Theory]
    [InlineData(100, 30, 5)]   // ACS custom domain defaults, the Functions timer's 5-minute pass
    [InlineData(10, 5, 5)]     // an Azure-managed domain
    [InlineData(100, 30, 1)]   // a pass every minute
    public async Task ABacklog_IsSentOnceEach_NeverFasterThanEitherWindowAllows_ByPassesOfDifferentHosts(int hourly, int perMinute, int passMinutes)
    {
        var clock = new FakeClock(Tokyo.WakeInstant(D("2026-04-01")));
        var stores = InMemoryStores.Create();
        var workflow = new ContractWorkflow(stores, clock);
        for (var i = 0; i < 120; i++)
        {
            await workflow.RegisterAsync(Eclect($"C-{i:000}", "2026-04-01"));
        }

        var notices = 0;
        await foreach (var unused in stores.Outbox.ListAsync())
        {
            notices++;
        }

        var server = new RecordingServer(clock);
        var options = new DeliveryOptions(HourlyQuota: hourly, MinuteQuota: perMinute);
        var passes = 0;
        while (server.Accepted.Count < notices)
        {
            // Each pass by another deliverer (a host, a Function instance): nothing is kept in memory between them.
            var deliverer = new OutboxDelivery(stores.Outbox, new PlainRenderer(), server, stores.Documents, clock, options);
            var report = await deliverer.DeliverAsync();
            Assert.True(report.Sent <= Math.Min(hourly, perMinute), $"pass {passes} sent {report.Sent}");
            clock.Advance(Duration.FromMinutes(passMinutes));
            Assert.True(++passes < 10_000, "the backlog never drained");
        }

        Assert.Equal(notices, server.Accepted.Select(a => a.MessageId).Distinct().Count());
        Assert.Equal(notices, server.Accepted.Count);
        foreach (var (_, at) in server.Accepted)
        {
            Assert.True(server.Accepted.Count(a => a.At <= at && a.At > at - Duration.FromHours(1)) <= hourly);
            Assert.True(server.Accepted.Count(a => a.At <= at && a.At > at - Duration.FromMinutes(1)) <= perMinute);
        }

        // At the pace, the backlog takes about notices / hourly hours: never much less (too fast), nor much more (a pass wasted).
        var hours = (server.Accepted[^1].At - server.Accepted[0].At).TotalHours;
        Assert.InRange(hours, ((notices + hourly - 1) / hourly) - 1.0, (notices / (double)hourly) + 1.0);
    }

    [Fact]
    public async Task ASecondHostInTheSameMinute_FindsTheMinutesBudgetSpent()
    {
        var clock = new FakeClock(Tokyo.WakeInstant(D("2026-04-01")));
        var stores = InMemoryStores.Create();
        var workflow = new ContractWorkflow(stores, clock);
        for (var i = 0; i < 40; i++)
        {
            await workflow.RegisterAsync(Eclect($"C-{i:000}", "2026-04-01"));
        }

        var server = new RecordingServer(clock);
        var first = await new OutboxDelivery(stores.Outbox, new PlainRenderer(), server, stores.Documents, clock, new DeliveryOptions()).DeliverAsync();
        var second = await new OutboxDelivery(stores.Outbox, new PlainRenderer(), server, stores.Documents, clock, new DeliveryOptions()).DeliverAsync();

        Assert.Equal((30, true), (first.Sent, first.QuotaReached));
        Assert.Equal((0, true), (second.Sent, second.QuotaReached));
        // A minute on (the window counts what was sent at its very start): the next 30.
        clock.Advance(Duration.FromMinutes(1) + Duration.FromSeconds(1));
        var third = await new OutboxDelivery(stores.Outbox, new PlainRenderer(), server, stores.Documents, clock, new DeliveryOptions()).DeliverAsync();
        Assert.True(third.Sent > 0);
        Assert.Equal(30 + third.Sent, server.Accepted.Select(a => a.MessageId).Distinct().Count());
    }
}
