using System.Diagnostics;
using System.Globalization;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Integration.Tests;
using NodaTime;
using Xunit.Abstractions;

namespace CloudLifecycle.Host.Tests.Reliability;

/// <summary>
/// Issue 13: kill -9 of the local host's scheduler (<c>cloudlifecycle serve --once</c> over Azurite and maildev) at
/// random points of its tick — the daily job's monthly run (started in the background, its status stored as
/// "running"), then the delivery of the invoices' notices — and the host started again until the tick completes.
/// The month the host invoices is the one its clock (the system's) owes, as in production.
/// </summary>
[Collection(ServicesFixtureGroup.Name)]
[Trait("Category", "Reliability")]
public sealed class ServeKillTests(TestServices services, ITestOutputHelper output)
{
    private static readonly Issuer Issuer = new("テスト請求株式会社", "T1234567890123");

    [Fact]
    public async Task ServeKilledDuringItsMonthlyRunAndDelivery_EachContractInvoicedOnce_EachNoticeArrives()
    {
        var real = RealServices.Create(services);
        var stores = await real.StoresAsync();
        var plan = DailyRuns.Plan(SystemClock.Instance.GetCurrentInstant(), billingRunDay: 1);
        var month = plan.MonthToInvoice ?? throw new InvalidOperationException("the daily job owes no month today");
        var count = Math.Max(150, 20 * ReliabilityFigures.Kills);
        var ids = Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"RS-{i:D4}")).ToList();
        await SeedAsync(stores, ids, month, real);
        var random = new Random(ReliabilityFigures.Seed);
        var kills = ReliabilityFigures.Kills;
        var since = SystemClock.Instance.GetCurrentInstant() - Duration.FromHours(1);
        var leftClaimed = new Dictionary<string, int>(StringComparer.Ordinal);
        int landed = 0, duringBilling = 0, duringDelivery = 0;
        for (var k = 0; k < kills; k++)
        {
            // Progress of the tick: invoices stored, then notices sent (2 × contracts in all); the kill goes at a random
            // point of what is left, spread so that each run gets an equal share on average.
            var before = await ProgressAsync(stores, month, since);
            var target = before + random.Next(1, Math.Max(2, 2 * (2 * ids.Count - before) / (kills - k + 1)));
            await using (var serve = HostProcess.Start(["serve", "--once"], real.Environment()))
            {
                var deadline = Stopwatch.StartNew();
                while (!serve.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(2) && await ProgressAsync(stores, month, since) < target)
                {
                    await Task.Delay(25);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * 100));
                landed += await serve.KillAsync() ? 1 : 0;
            }

            var invoiced = (await stores.Invoices.ListByMonthAsync(month)).Count;
            if (invoiced < ids.Count)
            {
                duringBilling++;
            }
            else
            {
                duringDelivery++;
            }

            foreach (var claimed in (await RealServices.OutboxAsync(stores)).Where(i => i.Status == DeliveryStatus.Sending))
            {
                leftClaimed[claimed.Notice.Id] = leftClaimed.GetValueOrDefault(claimed.Notice.Id) + 1;
                // The claim's lease (10 minutes) expires: the test moves its end to now rather than wait for it.
                Assert.NotNull(await stores.Outbox.TryUpdateAsync(claimed with { NextAttemptAt = SystemClock.Instance.GetCurrentInstant() - Duration.FromSeconds(1) }));
            }
        }

        var restarts = 0;
        for (; restarts < 5; restarts++)
        {
            await using var serve = HostProcess.Start(["serve", "--once"], real.Environment());
            Assert.True(await serve.WaitAsync() == 0, serve.Output);
            if ((await stores.Outbox.DueAsync(SystemClock.Instance.GetCurrentInstant(), 1)).Count == 0)
            {
                break;
            }
        }

        var invoices = await stores.Invoices.ListByMonthAsync(month);
        var perContract = invoices.GroupBy(i => i.ContractId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var lostInvoices = ids.Count(id => !perContract.ContainsKey(id));
        var duplicateInvoices = perContract.Values.Sum(n => n - 1);
        var status = await new BillingRunStatuses(stores.Documents).GetAsync(month);
        var report = await stores.Documents.GetAsync(MonthlyInvoiceRun.ReportPath(month));
        var reported = report is null ? -1 : RealServices.Json(report).GetProperty("monthInvoices").GetInt32();
        // Every notice in the outbox (the invoices', and any other the contracts' days brought), by its Message-ID at its address.
        var outbox = await RealServices.OutboxAsync(stores);
        var notices = outbox.Where(i => i.Notice.Kind == NoticeKind.InvoiceIssued).ToList();
        var received = await real.ReceivedAsync();
        var copies = outbox.Select(n => (n.Notice, Ids: (received.GetValueOrDefault(n.Notice.To.Email) ?? [])
            .Where(id => id == OutboxDelivery.MessageId(n.Notice.Id, RealServices.MessageIdDomain)).ToList())).ToList();
        var unknown = received.Values.Sum(v => v.Count) - copies.Sum(c => c.Ids.Count);
        var lostNotices = copies.Count(c => c.Ids.Count == 0);
        var duplicateNotices = copies.Sum(c => Math.Max(0, c.Ids.Count - 1));
        var repeatedUnclaimed = copies.Count(c => c.Ids.Count > 1 && !leftClaimed.ContainsKey(c.Notice.Id));
        ReliabilityFigures.Write(output, string.Create(CultureInfo.InvariantCulture,
            $"kill -9 of serve --once (daily monthly run {month:uuuu-MM}, then delivery; Azurite, maildev): {ids.Count} contracts, {kills} kills (seed {ReliabilityFigures.Seed}; {landed} landed: {duringBilling} during the run, {duringDelivery} during delivery), {restarts + 1} starts to finish; " +
            $"invoices expected {ids.Count}, found {ids.Count - lostInvoices}, duplicates {duplicateInvoices}, lost {lostInvoices}; run status {status?.State}, stored report counts {reported}; " +
            $"notices {outbox.Count} ({notices.Count} invoice notices), delivered {copies.Count(c => c.Ids.Count > 0)}, lost {lostNotices}, duplicates {duplicateNotices} (rows left claimed by a kill {leftClaimed.Values.Sum()}; repeats outside that window {repeatedUnclaimed}), messages under no notice's Message-ID {unknown}"));

        Assert.Equal((0, 0), (lostInvoices, duplicateInvoices));
        Assert.Equal(BillingRunState.Completed, status?.State);
        Assert.Equal(ids.Count, reported);
        Assert.Equal(ids.Count, notices.Count);
        Assert.Equal(0, lostNotices);
        Assert.Equal(0, repeatedUnclaimed);
        Assert.True(duplicateNotices <= leftClaimed.Values.Sum(), $"{duplicateNotices} duplicates, {leftClaimed.Values.Sum()} rows left claimed");
        Assert.Equal(0, unknown);
        Assert.All(outbox, n => Assert.Equal(DeliveryStatus.Sent, n.Status));
        Assert.DoesNotContain(await RealServices.ContractsAsync(stores), c => c.PendingCommands.Count > 0);
        Assert.True(landed >= Math.Min(1, kills), "no kill landed while the host ran");
    }

    /// <summary>Invoices stored plus notices sent.</summary>
    private static async Task<int> ProgressAsync(LifecycleStores stores, YearMonth month, Instant since) =>
        (await stores.Invoices.ListByMonthAsync(month)).Count + await stores.Outbox.CountSentSinceAsync(since);

    /// <summary>NEC contracts running since half a year before the month, with its usage, processed through its end.</summary>
    private static async Task SeedAsync(LifecycleStores stores, IReadOnlyList<string> ids, YearMonth month, RealServices real)
    {
        var start = month.PlusMonths(-6).OnDayOfMonth(1);
        await Parallel.ForEachAsync(ids.Select((id, i) => (id, i)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, cancel) =>
        {
            var registration = new ContractRegistration(c.id, ProductCode.NecExpress5800,
                new Customer("信頼性テスト株式会社", real.Address(c.i), Language.Ja),
                new ContractDates(start, start.PlusYears(5).PlusDays(-1)), Issuer, new BillingProfile { BaseFee = 120_000m, UnitPrice = 180m });
            Assert.True(await stores.Contracts.TryCreateAsync(registration.ToState() with
            {
                ProcessedThrough = month.OnDayOfMonth(1).PlusMonths(1),
                InvoicedMonths = Enumerable.Range(0, 6).Select(m => month.PlusMonths(m - 6)).ToList(),
                Usage = [new MonthUsage(month, Quantity: c.i % 50)],
            }, cancel));
        });
    }
}
