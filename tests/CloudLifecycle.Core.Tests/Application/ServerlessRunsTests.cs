using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CsCheck;
using NodaTime;
using NodaTime.Testing;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>
/// What the Azure Functions app would otherwise decide for itself: instance ids, the UTC timer
/// schedules read as Tokyo days, the month the daily run owes, and the batching of the monthly run.
/// </summary>
public class ServerlessRunsTests
{
    private static readonly Gen<string> ContractIds =
        Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."].Array[1, ContractRegistration.MaxContractIdLength].Select(c => new string(c));

    [Fact]
    public void InstanceIds_AreTheContractIdBehindAPrefix_OneToOne_InCharactersDurableAccepts()
    {
        ContractIds.Sample(id =>
        {
            var instance = Orchestrations.ContractInstance(id);
            Assert.Equal(id, Orchestrations.ContractOf(instance));
            Assert.DoesNotContain(instance, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
            Assert.True(instance.Length <= 100);
        });
        Gen.Select(ContractIds, ContractIds).Where(p => p.Item1 != p.Item2).Sample((a, b) =>
            Assert.NotEqual(Orchestrations.ContractInstance(a), Orchestrations.ContractInstance(b)));
    }

    [Fact]
    public void BillingRunInstance_IsOnePerMonth_AndIsNoContracts()
    {
        Assert.Equal("billing-run-2026-10", Orchestrations.BillingRunInstance(YM("2026-10")));
        Assert.Null(Orchestrations.ContractOf(Orchestrations.BillingRunInstance(YM("2026-10"))));
    }

    [Fact]
    public void DailySchedule_FiresOnceADayAtMidnightUtc_WhichIsTheContractsWakeTimeInTokyo()
    {
        var times = DailyCron.Parse(TimerSchedules.DailyRuns).TimesOfDay();

        var utc = Assert.Single(times);
        var firing = new LocalDate(2026, 11, 23).At(utc).InUtc().ToInstant();
        Assert.Equal(Tokyo.WakeTime, firing.InZone(Tokyo.Zone).TimeOfDay);
    }

    [Fact]
    public void DailyFiring_BelongsToTheSameCalendarDayInTokyo_OnEveryDate()
    {
        Generators.Date.Sample(date =>
        {
            var midnightUtc = date.AtMidnight().InUtc().ToInstant();
            Assert.Equal(date, DailyRuns.Plan(midnightUtc, 1).Today);
        });
    }

    [Theory]
    [InlineData("2026-11-22T23:59:59Z", "2026-11-23")] // 08:59:59 in Tokyo
    [InlineData("2026-11-23T14:59:59Z", "2026-11-23")] // 23:59:59 in Tokyo
    [InlineData("2026-11-23T15:00:00Z", "2026-11-24")] // a firing late by 15 hours belongs to the next Tokyo day
    [InlineData("2026-12-31T15:00:00Z", "2027-01-01")]
    public void LateFiring_BelongsToTheTokyoDayItRunsOn(string firedAt, string tokyoDay)
    {
        Assert.Equal(D(tokyoDay), DailyRuns.Plan(NodaTime.Text.InstantPattern.ExtendedIso.Parse(firedAt).Value, 1).Today);
    }

    [Fact]
    public void FrequentSchedules_SpreadDeliveryAndReconciliationOverTheDay()
    {
        Assert.Equal(1440, DailyCron.Parse(TimerSchedules.OutboxDelivery).TimesOfDay().Count);
        Assert.Equal(144, DailyCron.Parse(TimerSchedules.Reconcile).TimesOfDay().Count);
        Assert.Equal(24, DailyCron.Parse(TimerSchedules.RestartStopped).TimesOfDay().Count);
        Assert.Equal([new LocalTime(0, 0), new LocalTime(12, 30, 15)], DailyCron.Parse("0,15 0,30 0,12 * * *").TimesOfDay().Where(t => t is { Hour: 0, Minute: 0, Second: 0 } or { Hour: 12, Minute: 30, Second: 15 }));
    }

    [Theory]
    [InlineData("0 0 0 * *")]
    [InlineData("0 0 0 1 * *")]
    [InlineData("0 0 24 * * *")]
    [InlineData("0 */0 0 * * *")]
    [InlineData("x 0 0 * * *")]
    public void Cron_OutsideTheDailyFormsTheSchedulesUse_IsRefused(string expression)
    {
        Assert.Throws<FormatException>(() => DailyCron.Parse(expression));
    }

    [Theory]
    [InlineData("2026-11-01", 1, "2026-10")]
    [InlineData("2026-11-23", 1, "2026-10")]
    [InlineData("2026-11-04", 5, null)]
    [InlineData("2026-11-05", 5, "2026-10")]
    [InlineData("2027-01-01", 1, "2026-12")]
    public void DailyPlan_OwesThePreviousMonth_FromTheBillingDayOn(string today, int runDay, string? month)
    {
        var plan = DailyRuns.Plan(Tokyo.WakeInstant(D(today)), runDay);

        Assert.Equal(month is null ? null : YM(month), plan.MonthToInvoice);
    }

    [Fact]
    public void DailyPlan_StartsAMonthNeverRunOrFailed_ChecksOneRunning_AndLeavesOneDone()
    {
        var now = Instant.FromUtc(2026, 11, 1, 0, 0);
        var month = YM("2026-10");
        Assert.True(DailyRuns.NeedsStart(null));
        Assert.True(DailyRuns.NeedsStart(new BillingRunStatus(month, BillingRunState.Failed, now, now, 0, 0)));
        // "Running" may be a run that died before recording it: the start leaves a live one alone (issue 14, point 4).
        Assert.True(DailyRuns.NeedsStart(new BillingRunStatus(month, BillingRunState.Running, now, now, 0, 0)));
        Assert.False(DailyRuns.NeedsStart(new BillingRunStatus(month, BillingRunState.Completed, now, now, 0, 0)));
    }

    [Fact]
    public void Waves_CoverEveryBatchOnceInOrder_NoneWiderThanAllowed()
    {
        Gen.Select(Gen.Int[0, 2_000], Gen.Int[1, 32]).Sample((batches, parallel) =>
        {
            var waves = BillingBatches.Waves(batches, parallel);
            Assert.Equal(Enumerable.Range(0, batches), waves.SelectMany(w => w));
            Assert.All(waves, w => Assert.InRange(w.Count, 1, parallel));
            Assert.Equal((batches + parallel - 1) / parallel, waves.Count);
        });
    }

    [Fact]
    public async Task BillingOrchestration_InvoicesEveryContractOnceInBatches_AsTheLocalRunDoes()
    {
        const int contracts = 250;
        var clock = new FakeClock(Tokyo.WakeInstant(D("2026-06-02")));
        var fanned = await SeededAsync(contracts, clock);
        var local = await SeededAsync(contracts, clock);
        var calls = new List<string>();

        var report = await ImmediateBillingContext.RunToEndAsync(fanned, clock, calls, new BillingRunInput(YM("2026-05")));
        var expected = await new MonthlyInvoiceRun(local, new ContractWorkflow(local, clock)).RunAsync(YM("2026-05"));

        Assert.Equal(contracts, report.Contracts);
        Assert.Equal(contracts, report.Invoiced);
        Assert.Equal(expected.InvoicedTotal, report.InvoicedTotal);
        Assert.True(report.InvoicedTotal > 0);
        Assert.Equal(3, calls.Count(c => c == BillingActivityNames.InvoiceBillingBatch));
        var status = await new BillingRunStatuses(fanned.Documents).GetAsync(YM("2026-05"));
        Assert.Equal(BillingRunState.Completed, status!.State);
        Assert.Equal(contracts, status.Invoiced);
        Assert.Single(await fanned.Invoices.ListByContractAsync("N-000"), i => i.Month == YM("2026-05"));
        Assert.Single(await fanned.Invoices.ListByContractAsync("N-249"), i => i.Month == YM("2026-05"));

        var again = await ImmediateBillingContext.RunToEndAsync(fanned, clock, [], new BillingRunInput(YM("2026-05")));
        Assert.Equal(0, again.Invoiced);
        Assert.Equal(contracts, again.AlreadyInvoiced);
    }

    [Fact]
    public async Task BillingOrchestration_FansOutAtMostMaxParallelBatchesPerWave_InSegmentsOfOneGenerationEach()
    {
        var clock = new FakeClock(Tokyo.WakeInstant(D("2026-06-02")));
        var stores = await SeededAsync(BillingBatches.Size * BillingBatches.MaxParallel + 1, clock);
        var calls = new List<string>();

        await ImmediateBillingContext.RunToEndAsync(stores, clock, calls, new BillingRunInput(YM("2026-05")));

        // 9 batches: one segment (at most 100 batches), one generation; the segment's waves: 8, then 1.
        Assert.Equal(1, calls.Count(c => c == Orchestrations.BillingSegment));
        Assert.Equal(BillingBatches.MaxParallel + 1, calls.Count(c => c == BillingActivityNames.InvoiceBillingBatch));
        Assert.Equal(1, calls.Count(c => c == BillingActivityNames.RecordBillingProgress));
    }

    [Fact]
    public async Task BillingOrchestration_WithSmallSegments_ContinuesAsNewPerWaveOfSegments_AndInvoicesEveryContractOnce()
    {
        const int contracts = 23;
        var clock = new FakeClock(Tokyo.WakeInstant(D("2026-06-02")));
        var stores = await SeededAsync(contracts, clock);
        var calls = new List<string>();
        var shape = new BillingRunShape(BatchSize: 2, ParallelBatches: 2, BatchesPerSegment: 3, ParallelSegments: 2);

        var report = await ImmediateBillingContext.RunToEndAsync(stores, clock, calls, new BillingRunInput(YM("2026-05")) { Shape = shape });

        // 12 batches of 2 (the last of 1), segments of 3 batches, 2 segments a generation: 4 segments, 2 generations.
        Assert.Equal((contracts, contracts), (report.Contracts, report.Invoiced));
        Assert.Equal(12, calls.Count(c => c == BillingActivityNames.InvoiceBillingBatch));
        Assert.Equal(4, calls.Count(c => c == Orchestrations.BillingSegment));
        Assert.Equal(2, calls.Count(c => c == ImmediateBillingContext.ContinuedAsNew) + 1);
        for (var i = 0; i < contracts; i++)
        {
            Assert.Single(await stores.Invoices.ListByContractAsync($"N-{i:000}"), invoice => invoice.Month == YM("2026-05"));
        }
    }

    [Fact]
    public async Task BillingOrchestration_ASegmentFailing_EndsTheRunFailed_AndARunAgainInvoicesTheRestOnce()
    {
        const int contracts = 10;
        var clock = new FakeClock(Tokyo.WakeInstant(D("2026-06-02")));
        var stores = await SeededAsync(contracts, clock);
        var shape = new BillingRunShape(BatchSize: 1, ParallelBatches: 2, BatchesPerSegment: 2, ParallelSegments: 2);
        var failing = new ImmediateBillingContext(stores, clock, []) { FailBatch = 6 };

        // Generation 1 invoices batches 0–3; generation 2's second segment (batches 6, 7) fails.
        var input = new BillingRunInput(YM("2026-05")) { Shape = shape };
        var first = await BillingRunOrchestration.RunAsync(failing, input);
        Assert.Null(first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => BillingRunOrchestration.RunAsync(new ImmediateBillingContext(stores, clock, []) { FailBatch = 6 }, failing.Continued!));
        var status = await new BillingRunStatuses(stores.Documents).GetAsync(YM("2026-05"));
        Assert.Equal(BillingRunState.Failed, status!.State);
        Assert.True(DailyRuns.NeedsStart(status));
        var invoicedBefore = 0;
        for (var i = 0; i < contracts; i++)
        {
            invoicedBefore += (await stores.Invoices.ListByContractAsync($"N-{i:000}")).Count;
        }

        Assert.InRange(invoicedBefore, 4, contracts - 1);

        var again = await ImmediateBillingContext.RunToEndAsync(stores, clock, [], input);

        Assert.Equal((contracts, contracts - invoicedBefore, invoicedBefore), (again.Contracts, again.Invoiced, again.AlreadyInvoiced));
        for (var i = 0; i < contracts; i++)
        {
            Assert.Single(await stores.Invoices.ListByContractAsync($"N-{i:000}"), invoice => invoice.Month == YM("2026-05"));
        }
    }

    [Fact]
    public void BillingTally_ListsAtMostAHundredFailures_AndCountsTheRest()
    {
        Gen.Int[0, 400].Array[1, 20].Sample(parts =>
        {
            var tally = parts.Select(n => (BillingTally.Empty with { Failures = Enumerable.Range(0, n).Select(i => new BillingRunFailure($"C-{i}", "contract", "x", null)).ToList() }).Bounded())
                .Aggregate(BillingTally.Empty, (sum, part) => sum.Add(part));
            Assert.Equal(parts.Sum(), tally.FailureCount);
            Assert.Equal(Math.Min(parts.Sum(), BillingTally.MaxListedFailures), tally.Failures.Count);
            Assert.Equal(tally.UnlistedFailures, tally.ToReport(YM("2026-05"), D("2026-06-02")).UnlistedFailures);
        });
    }

    [Fact]
    public async Task BillingOrchestration_ForAMonthNotEnded_EndsFailedWithTheReason()
    {
        var clock = new FakeClock(Tokyo.WakeInstant(D("2026-05-20")));
        var stores = await SeededAsync(3, clock);

        await Assert.ThrowsAsync<ContractRuleException>(() => ImmediateBillingContext.RunToEndAsync(stores, clock, [], new BillingRunInput(YM("2026-05"))));

        var status = await new BillingRunStatuses(stores.Documents).GetAsync(YM("2026-05"));
        Assert.Equal(BillingRunState.Failed, status!.State);
        Assert.Contains("2026-05", status.Error, StringComparison.Ordinal);
        Assert.True(DailyRuns.NeedsStart(status));
    }

    [Fact]
    public async Task DailyJob_StartsTheOwedMonthsOrchestrationOnce_AndChasesOverdueInvoices()
    {
        var clock = new FakeClock(Tokyo.WakeInstant(D("2026-06-01")));
        var stores = await SeededAsync(2, clock);
        var runtime = new DurableRuntimeDouble(new ContractActivities(stores, clock), clock);
        var job = new DailyJob(stores, new OrchestratedContractEvents(stores, runtime, clock), new OrchestratedBillingRuns(stores, runtime, clock), clock);

        var first = await job.RunAsync(billingRunDay: 1);
        var second = await job.RunAsync(billingRunDay: 1);

        Assert.Equal(YM("2026-05"), first.InvoiceRunStarted);
        Assert.Null(second.InvoiceRunStarted);
        Assert.Equal(Orchestrations.BillingRun, runtime.OrchestratorOf("billing-run-2026-05"));
        Assert.Equal(BillingRunState.Running, (await new BillingRunStatuses(stores.Documents).GetAsync(YM("2026-05")))!.State);
        Assert.Equal(0, first.OverdueNotices);
    }

    [Fact]
    public async Task ActivityJson_CarriesANotFoundContractAsNull_AndAStateUnchanged()
    {
        var clock = new FakeClock(Tokyo.WakeInstant(D("2026-06-02")));
        var stores = await SeededAsync(1, clock);
        var activities = new ContractActivities(stores, clock);

        Assert.Null(WorkflowJson.Unwrap<StoredContract?>(await activities.RunJsonAsync(ActivityNames.LoadContract, WorkflowJson.Wrap("nobody"))));
        var loaded = WorkflowJson.Unwrap<StoredContract?>(await activities.RunJsonAsync(ActivityNames.LoadContract, WorkflowJson.Wrap("N-000")));
        Assert.Equal(LifecycleJson.Serialize((await stores.Contracts.GetAsync("N-000"))!.State), LifecycleJson.Serialize(loaded!.State));
        Trigger cancellation = new CancellationRequested(D("2026-06-10"), D("2026-07-20")) { EventId = "e" };
        Assert.Equal(cancellation, WorkflowJson.Unwrap<Trigger>(WorkflowJson.WrapEvent(cancellation)));
    }

    private static async Task<LifecycleStores> SeededAsync(int count, FakeClock clock)
    {
        var stores = InMemoryStores.Create();
        var activities = new ContractActivities(stores, clock);
        for (var i = 0; i < count; i++)
        {
            await activities.RegisterAsync(Neutrix($"N-{i:000}", "2026-04-01"), D("2026-04-01"));
        }

        return stores;
    }

    /// <summary>
    /// The billing orchestration with its activities and segments run at once, through their JSON as on Azure; a
    /// generation that continues as new leaves its input in <see cref="Continued"/> (<see cref="RunToEndAsync"/> runs the next).
    /// </summary>
    private sealed class ImmediateBillingContext(LifecycleStores stores, IClock clock, List<string> calls) : IWorkflowContext
    {
        public const string ContinuedAsNew = "(continued as new)";

        private readonly BillingRunActivities activities = new(stores, new ContractWorkflow(stores, clock), clock);

        /// <summary>A batch whose activity fails (as one out of retries).</summary>
        public int? FailBatch { get; init; }

        public BillingRunInput? Continued { get; private set; }

        public Instant CurrentInstant => clock.GetCurrentInstant();

        public static async Task<BillingRunReport> RunToEndAsync(LifecycleStores stores, IClock clock, List<string> calls, BillingRunInput input)
        {
            for (var generation = 0; generation < 1_000; generation++)
            {
                var context = new ImmediateBillingContext(stores, clock, calls);
                if (await BillingRunOrchestration.RunAsync(context, input) is { } report)
                {
                    return report;
                }

                input = context.Continued ?? throw new InvalidOperationException("a generation returned no report and did not continue as new");
            }

            throw new InvalidOperationException("the run did not end");
        }

        public Task CreateTimer(Instant fireAt, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<T> WaitForEvent<T>(string eventName, CancellationToken cancellationToken) => throw new InvalidOperationException("billing runs wait for no event");

        public async Task<T> CallActivity<T>(string activityName, object? input)
        {
            calls.Add(activityName);
            if (input is BillingBatchRequest { Batch: var batch } && batch == FailBatch && activityName == BillingActivityNames.InvoiceBillingBatch)
            {
                throw new InvalidOperationException($"batch {batch} failed after its retries");
            }

            return WorkflowJson.Unwrap<T>(await activities.RunJsonAsync(activityName, WorkflowJson.Wrap(input)));
        }

        public async Task<T> CallSubOrchestrator<T>(string orchestratorName, object? input)
        {
            Assert.Equal(Orchestrations.BillingSegment, orchestratorName);
            calls.Add(orchestratorName);
            var segment = WorkflowJson.Unwrap<BillingSegmentInput>(WorkflowJson.Wrap(input));
            return WorkflowJson.Unwrap<T>(WorkflowJson.Wrap(await BillingSegmentOrchestration.RunAsync(this, segment)));
        }

        public void ContinueAsNew(object? input)
        {
            calls.Add(ContinuedAsNew);
            Continued = WorkflowJson.Unwrap<BillingRunInput>(WorkflowJson.Wrap(input));
        }
    }
}
