using NodaTime.Testing;
using System.Collections.Concurrent;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>
/// Issue 13 defects 1 and 2: a notice is claimed (conditional update to "sending" under a lease) before it is sent,
/// so deliverers sharing one outbox send each notice once, and a deliverer that dies mid-send leaves a claim the
/// others respect until its lease expires; the retry then goes out under the same Message-ID.
/// </summary>
public class OutboxDeliveryTests
{
    private static readonly DeliveryOptions Options = new();

    /// <summary>An SMTP server that takes a little while to accept, recording every message it accepts.</summary>
    private sealed class SlowServer : IEmailSender
    {
        public ConcurrentQueue<string> Accepted { get; } = new();

        public Func<EmailMessage, Task>? BeforeReply { get; set; }

        public async Task<string> SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
        {
            await Task.Delay(5, cancellationToken);
            Accepted.Enqueue(message.MessageId);
            if (BeforeReply is { } hook)
            {
                await hook(message);
            }

            return $"250 2.0.0 OK queued as {message.MessageId[..8]}";
        }
    }

    private sealed class PlainRenderer : INoticeRenderer
    {
        public EmailMessage Render(Notice notice, string messageId) =>
            new(messageId, notice.To.Email, notice.To.Name, notice.Subject.En, notice.Subject.En, notice.Subject.En);
    }

    /// <summary>The host is killed: the deliverer stops right where it is.</summary>
    private sealed class Killed : OperationCanceledException;

    private static async Task<(LifecycleStores Stores, FakeClock Clock)> OutboxWithNoticesAsync(int contracts)
    {
        var clock = new FakeClock(Tokyo.WakeInstant(D("2026-04-01")));
        var stores = InMemoryStores.Create();
        var workflow = new ContractWorkflow(stores, clock);
        for (var i = 0; i < contracts; i++)
        {
            await workflow.RegisterAsync(Eclect($"C-{i}", "2026-04-01"));
        }

        return (stores, clock);
    }

    private static OutboxDelivery Deliverer(LifecycleStores stores, IClock clock, IEmailSender server) =>
        new(stores.Outbox, new PlainRenderer(), server, stores.Documents, clock, Options);

    private static async Task<List<OutboxItem>> ItemsAsync(IOutbox outbox)
    {
        var items = new List<OutboxItem>();
        await foreach (var item in outbox.ListAsync())
        {
            items.Add(item);
        }

        return items;
    }

    [Fact]
    public async Task TwoDeliverersRacingOnOneOutbox_SendEachNoticeOnce_AndRecordTheServersAcceptance()
    {
        var (stores, clock) = await OutboxWithNoticesAsync(20);
        var notices = (await ItemsAsync(stores.Outbox)).Count;
        var server = new SlowServer();

        var reports = await Task.WhenAll(
            Task.Run(() => Deliverer(stores, clock, server).DeliverAsync()),
            Task.Run(() => Deliverer(stores, clock, server).DeliverAsync()));

        Assert.True(notices >= 20);
        Assert.Equal(notices, server.Accepted.Count);
        Assert.Equal(notices, server.Accepted.Distinct().Count());
        Assert.Equal(notices, reports.Sum(r => r.Sent));
        Assert.All(await ItemsAsync(stores.Outbox), item =>
        {
            Assert.Equal((DeliveryStatus.Sent, 1), (item.Status, item.Attempts));
            Assert.StartsWith("250 2.0.0 OK queued as", item.SmtpReply, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task DelivererKilledBeforeRecordingTheAcceptance_OthersWaitOutItsLease_ThenResendUnderTheSameMessageId()
    {
        var (stores, clock) = await OutboxWithNoticesAsync(1);
        var notice = Assert.Single(await ItemsAsync(stores.Outbox)).Notice;
        var dying = new SlowServer { BeforeReply = _ => throw new Killed() };
        var healthy = new SlowServer();

        await Assert.ThrowsAsync<Killed>(() => Deliverer(stores, clock, dying).DeliverAsync());
        var claimed = await stores.Outbox.GetAsync(notice.Id);
        clock.Advance(Duration.FromMinutes(Options.LeaseMinutes - 1));
        var withinLease = await Deliverer(stores, clock, healthy).DeliverAsync();
        var sentWithinLease = healthy.Accepted.Count;
        clock.Advance(Duration.FromMinutes(2));
        var afterLease = await Deliverer(stores, clock, healthy).DeliverAsync();

        Assert.Equal(DeliveryStatus.Sending, claimed!.Status);
        Assert.Equal(0, withinLease.Sent);
        Assert.Equal(0, sentWithinLease);
        Assert.Equal(1, afterLease.Sent);
        // At least once, not exactly once, across a crash at this point: the server accepted the message twice,
        // but under one Message-ID, which the receiving side can use to drop the repeat.
        Assert.Equal([OutboxDelivery.MessageId(notice.Id, Options.MessageIdDomain)], dying.Accepted.Concat(healthy.Accepted).Distinct());
        var item = await stores.Outbox.GetAsync(notice.Id);
        Assert.Equal((DeliveryStatus.Sent, 2), (item!.Status, item.Attempts));
    }
}
