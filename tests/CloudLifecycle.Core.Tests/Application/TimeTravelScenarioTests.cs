using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Core.Time;
using NodaTime;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>
/// Two years per product on a virtual clock, through the same jobs the local host schedules:
/// every expected notice and invoice, on the right date, exactly once — also across a restart.
/// </summary>
public class TimeTravelScenarioTests
{
    private static readonly LocalDate From = D("2026-04-01");
    private static readonly LocalDate Through = D("2028-03-31");

    public static TheoryData<string> Products => new() { "eclect-aws", "nec-express5800", "ntt-east-aws-ops", "optage-neutrix", "optage-storage" };

    [Theory]
    [MemberData(nameof(Products))]
    public async Task TwoYears_EachMonthIsInvoicedOnceOnTheRunDay_AndEveryNoticeIsSentOnce(string product)
    {
        var world = await World.RunAsync(product, restartOn: null);

        // Late interest is invoiced when the late payment arrives, on its own document (INV-…-L1), outside the run.
        var monthly = world.InvoiceEmails.Where(e => !e.Notice.InvoiceNumber!.Contains("-L", StringComparison.Ordinal)).ToList();
        var months = monthly.Select(e => e.Notice.InvoiceNumber).ToList();
        Assert.Equal(months.Distinct().Count(), months.Count);
        Assert.Equal(world.ExpectedInvoiceMonths.Select(m => $"INV-{world.ContractId}-{m.Year:0000}{m.Month:00}"), months);
        Assert.All(monthly, e => Assert.Equal(1, e.SentOn.Day));
        Assert.Equal(world.Sent.Select(e => e.Notice.Id).Distinct().Count(), world.Sent.Count);
        Assert.Single(world.Sent, e => e.Notice.Kind == NoticeKind.Registered);
    }

    [Theory]
    [InlineData("eclect-aws", "2026-06-08", NoticeKind.DeadlineReminder, "§27-1")]
    [InlineData("eclect-aws", "2027-12-10", NoticeKind.CancellationReceived, "§27-1")]
    [InlineData("eclect-aws", "2027-12-21", NoticeKind.DataDeletionReminder, "§27-3")]
    [InlineData("eclect-aws", "2028-01-13", NoticeKind.DataDeletionReminder, "§27-3")]
    [InlineData("nec-express5800", "2026-09-01", NoticeKind.DeadlineReminder, "§2-3")]
    [InlineData("nec-express5800", "2026-10-31", NoticeKind.DeadlineReminder, "§2-3")]
    [InlineData("nec-express5800", "2026-11-23", NoticeKind.DeadlineReminder, "§2-3")]
    [InlineData("nec-express5800", "2027-12-15", NoticeKind.RemovalScheduling, "§29-1")]
    [InlineData("nec-express5800", "2028-01-07", NoticeKind.RemovalScheduling, "§29-1")]
    [InlineData("ntt-east-aws-ops", "2027-09-01", NoticeKind.CancellationReceived, "§15-2")]
    [InlineData("ntt-east-aws-ops", "2027-09-23", NoticeKind.DataDeletionReminder, "§40-2")]
    [InlineData("optage-neutrix", "2027-01-29", NoticeKind.DeadlineReminder, "§11-1")]
    [InlineData("optage-neutrix", "2027-02-21", NoticeKind.DeadlineReminder, "§11-1")]
    // September's invoice is due 2026-10-31, a Saturday: due Monday 11-02 (民法 §142), chased the day after.
    [InlineData("optage-neutrix", "2026-11-03", NoticeKind.PaymentOverdue, "§27")]
    [InlineData("optage-storage", "2026-12-01", NoticeKind.CancellationReceived, "§28")]
    [InlineData("optage-storage", "2027-01-29", NoticeKind.DataDeletionReminder, "§30")]
    public async Task TwoYears_NoticeArrivesOnItsDay(string product, string day, NoticeKind kind, string clause)
    {
        var world = await World.RunAsync(product, restartOn: null);

        Assert.Single(world.Sent, e => e.SentOn == D(day) && e.Notice.Kind == kind && e.Notice.Clause == clause);
    }

    [Theory]
    [MemberData(nameof(Products))]
    public async Task TwoYears_WithARestartHalfWay_SendsExactlyWhatAnUninterruptedRunSends(string product)
    {
        var uninterrupted = await World.RunAsync(product, restartOn: null);
        var restarted = await World.RunAsync(product, restartOn: D("2027-04-01"));

        Assert.Equal(uninterrupted.Sent.Select(e => (e.SentOn, e.Notice.Id)), restarted.Sent.Select(e => (e.SentOn, e.Notice.Id)));
        Assert.Equal(uninterrupted.InvoiceTotal, restarted.InvoiceTotal);
    }

    private sealed record SentEmail(LocalDate SentOn, Notice Notice);

    private sealed class World
    {
        public required string ContractId { get; init; }

        public required List<SentEmail> Sent { get; init; }

        public required IReadOnlyList<YearMonth> ExpectedInvoiceMonths { get; init; }

        public required long InvoiceTotal { get; init; }

        public IEnumerable<SentEmail> InvoiceEmails => Sent.Where(e => e.Notice.Kind == NoticeKind.InvoiceIssued);

        public static async Task<World> RunAsync(string product, LocalDate? restartOn)
        {
            var (registration, events, lastMonth) = Scenario(product);
            var stores = InMemoryStores.Create();
            var clock = new VirtualClock(Tokyo.WakeInstant(From));
            var sender = new RecordingSender(clock);
            var script = new List<ScriptedStep>
            {
                new(registration.Dates.Start, "register", (w, t) => w.RegisterAsync(registration, t)),
            };
            script.AddRange(events.Select(e => new ScriptedStep(e.Day, e.Trigger.GetType().Name, (w, t) => w.RaiseAsync(registration.ContractId, e.Trigger, t))));
            for (var day = From; day <= Through; day = day.PlusDays(1))
            {
                var today = day;
                script.Add(new ScriptedStep(today, "pay", (w, t) => PayAsync(stores, w, registration.ContractId, today, t)));
            }

            async Task Run(LocalDate from, LocalDate through)
            {
                // A new simulation is a restarted host: nothing carried over but the stores.
                var delivery = new OutboxDelivery(stores.Outbox, new SubjectRenderer(), sender, stores.Documents, clock, new DeliveryOptions());
                var refusals = new List<string>();
                await new LifecycleSimulation(stores, clock, delivery).RunAsync(from, through, script, new Inline(day => refusals.AddRange(day.Refusals)));
                Assert.Empty(refusals);
            }

            if (restartOn is { } restart)
            {
                await Run(From, restart.PlusDays(-1));
                await Run(restart, Through);
            }
            else
            {
                await Run(From, Through);
            }

            var invoices = await stores.Invoices.ListByContractAsync(registration.ContractId);
            // ntt-east-aws-ops charges from the month after operations start (§35-1): its start month has nothing to invoice.
            var firstMonth = registration.Product == ProductCode.NttEastAwsOps && registration.Profile?.SetupItems is not { Count: > 0 }
                ? registration.Dates.Start.ToYearMonth().PlusMonths(1)
                : registration.Dates.Start.ToYearMonth();
            return new World
            {
                ContractId = registration.ContractId,
                Sent = sender.Sent,
                ExpectedInvoiceMonths = firstMonth.MonthsThrough(lastMonth).ToList(),
                InvoiceTotal = invoices.Sum(i => i.Total),
            };
        }

        private static (ContractRegistration Registration, List<(LocalDate Day, Trigger Trigger)> Events, YearMonth LastInvoicedMonth) Scenario(string product)
        {
            var events = new List<(LocalDate, Trigger)>();
            void Usage(YearMonth through, Func<YearMonth, MonthUsage> usage)
            {
                for (var month = YM("2026-04"); month <= through; month = month.PlusMonths(1))
                {
                    events.Add((month.EndOfMonth(), new UsageRecorded(usage(month))));
                }
            }

            switch (product)
            {
                case "eclect-aws":
                    Usage(YM("2028-01"), m => new MonthUsage(m, AwsUsageUsd: 1000m + m.Month, FxRate: 150m));
                    events.Add((D("2027-12-10"), new CancellationRequested(D("2027-12-10"), D("2028-01-20"))));
                    return (Eclect(), events, YM("2028-01"));
                case "nec-express5800":
                    Usage(YM("2027-12"), m => new MonthUsage(m, Quantity: 20m));
                    return (Nec(end: "2027-12-31"), events, YM("2027-12"));
                case "ntt-east-aws-ops":
                    events.Add((D("2026-10-01"), new PlanChanged(D("2026-10-01"), "advanced", 4)));
                    events.Add((D("2027-09-01"), new CancellationRequested(D("2027-09-01"), D("2027-09-30"))));
                    return (Ntt(), events, YM("2027-09"));
                case "optage-neutrix":
                    Usage(YM("2028-02"), m => new MonthUsage(m, ResourceFee: 180_000m));
                    return (Neutrix(), events, YM("2028-02"));
                default:
                    events.Add((D("2026-12-01"), new CancellationRequested(D("2026-12-01"), D("2027-02-28"))));
                    return (Storage(), events, YM("2027-02"));
            }
        }

        /// <summary>The customer pays three days before each due date, except optage-neutrix's September invoice, paid 20 days late.</summary>
        private static async Task PayAsync(LifecycleStores stores, ContractWorkflow workflow, string contractId, LocalDate today, CancellationToken token)
        {
            var stored = await stores.Contracts.GetAsync(contractId, token);
            foreach (var invoice in stored?.State.OpenInvoices ?? [])
            {
                var payOn = invoice.Number.EndsWith("NTX-202609", StringComparison.Ordinal) ? invoice.DueDate.PlusDays(20) : invoice.DueDate.PlusDays(-3);
                if (payOn == today)
                {
                    await workflow.RaiseAsync(contractId, new PaymentReceived(invoice.Number, today, invoice.Outstanding), token);
                }
            }
        }
    }

    private sealed class RecordingSender(VirtualClock clock) : IEmailSender
    {
        public List<SentEmail> Sent { get; } = [];

        public Task<string> SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
        {
            Sent.Add(new SentEmail(Tokyo.Today(clock.Now), SubjectRenderer.Registry[message.MessageId]));
            return Task.FromResult("250 recorded");
        }
    }

    /// <summary>Keeps the notice behind each message id so the test can look at what was sent.</summary>
    private sealed class SubjectRenderer : INoticeRenderer
    {
        public EmailMessage Render(Notice notice, string messageId)
        {
            Registry[messageId] = notice;
            return new EmailMessage(messageId, notice.To.Email, notice.To.Name, notice.Subject.Ja, notice.Subject.Ja, notice.Subject.Ja);
        }

        public static System.Collections.Concurrent.ConcurrentDictionary<string, Notice> Registry { get; } = new();
    }

    private sealed class Inline(Action<SimulationDay> report) : IProgress<SimulationDay>
    {
        public void Report(SimulationDay value) => report(value);
    }
}
