using CloudLifecycle.Core.Application;
using NodaTime;
using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>
/// The billing and overdue orchestrations at 1,000,000 contracts, with their activities answered at once (no store): what
/// each orchestration instance (each generation of the run, each segment) schedules, and so the history it replays, stays
/// bounded whatever the number of contracts (issue 14 point 8). The README's arithmetic is these figures.
/// </summary>
public class BillingRunScaleTests
{
    private const int Million = 1_000_000;

    [Fact]
    public async Task AtAMillionContracts_NoBillingInstanceSchedulesMoreThanItsSegment_AndTheCarriedTallyStaysSmall()
    {
        var runtime = new CountingRuntime(contracts: Million, failuresPerBatch: 1);
        var report = await runtime.RunBillingAsync(new BillingRunInput(YM("2026-10")));

        Assert.Equal((Million, Million), (report.Contracts, report.Invoiced));
        // Every batch reported one failure: 10,000 of them, 100 listed, the rest counted.
        Assert.Equal((BillingTally.MaxListedFailures, 10_000 - BillingTally.MaxListedFailures), (report.Failures.Count, report.UnlistedFailures));

        var run = runtime.Instances.Where(i => i.Orchestrator == Orchestrations.BillingRun).ToList();
        var segments = runtime.Instances.Where(i => i.Orchestrator == Orchestrations.BillingSegment).ToList();
        Assert.Equal(25, run.Count);             // 10,000 batches / (100 batches a segment × 4 segments a generation)
        Assert.Equal(100, segments.Count);
        Assert.All(segments, s => Assert.Equal((100, 13), (s.Scheduled, s.Episodes - 1)));   // 100 activities in 13 waves of at most 8
        Assert.All(run, g => Assert.InRange(g.Scheduled, 5, 7));   // (plan) + 4 segments + progress (+ complete)
        Assert.Equal(10_000 + 25 + 2, runtime.Activities);        // batches, progress per generation, plan and complete

        // History as Durable writes it: the start, two events per scheduled task, two per episode, the end.
        Assert.Equal(2 + 2 * 100 + 2 * 14, segments.Max(s => s.HistoryEvents));
        Assert.True(run.Max(g => g.HistoryEvents) <= 2 + 2 * 7 + 2 * 4, $"{run.Max(g => g.HistoryEvents)}");
        // The input carried across ContinueAsNew holds at most 100 failures, however many there were.
        Assert.True(runtime.LargestInputJson < 16 * 1024, $"{runtime.LargestInputJson} characters");
    }

    [Fact]
    public async Task TheRunsHistoryIsTheSame_AtTenThousandAndAtAMillionContracts()
    {
        var small = new CountingRuntime(contracts: 10_000, failuresPerBatch: 0);
        var large = new CountingRuntime(contracts: Million, failuresPerBatch: 0);
        await small.RunBillingAsync(new BillingRunInput(YM("2026-10")));
        await large.RunBillingAsync(new BillingRunInput(YM("2026-10")));

        Assert.Equal(small.Instances.Max(i => i.HistoryEvents), large.Instances.Max(i => i.HistoryEvents));
    }

    [Fact]
    public async Task TheOverdueCheck_AtFiftyThousandOverdueContracts_ContinuesAsNewEveryFourWaves()
    {
        var runtime = new CountingRuntime(contracts: 50_000, failuresPerBatch: 0);
        var tally = await runtime.RunOverdueAsync(new OverdueCheckInput(D("2026-11-02")));

        Assert.Equal((50_000, 50_000), (tally.Contracts, tally.Notices));
        var generations = runtime.Instances.Where(i => i.Orchestrator == Orchestrations.OverdueCheck).ToList();
        Assert.Equal(16, generations.Count);      // 500 batches / 32 per generation
        Assert.All(generations, g => Assert.InRange(g.Scheduled, 1, 33));
        Assert.True(generations.Max(g => g.HistoryEvents) <= 2 + 2 * 33 + 2 * 6);   // plan, 4 waves, the end
    }

    /// <summary>
    /// Runs orchestrations generation by generation as Durable does, in episodes: an orchestrator runs until it awaits,
    /// then every task it scheduled is answered together (one round), and it runs again. Counted per instance: tasks
    /// scheduled, and episodes (its first, plus one per round in which it received results).
    /// </summary>
    private sealed class CountingRuntime(int contracts, int failuresPerBatch)
    {
        private readonly List<(Instance Instance, Action Complete)> scheduled = [];
        private int round;

        public List<Instance> Instances { get; } = [];

        public int Activities { get; private set; }

        public int LargestInputJson { get; private set; }

        public Task<BillingRunReport> RunBillingAsync(BillingRunInput input) => Task.Run(() =>
        {
            while (true)
            {
                var context = Start(Orchestrations.BillingRun, input);
                if (Drive(BillingRunOrchestration.RunAsync(context, input)) is { } report)
                {
                    return report;
                }

                input = WorkflowJson.Unwrap<BillingRunInput>(context.Continued!);
            }
        });

        public Task<OverdueTally> RunOverdueAsync(OverdueCheckInput input) => Task.Run(() =>
        {
            while (true)
            {
                var context = Start(Orchestrations.OverdueCheck, input);
                if (Drive(OverdueCheckOrchestration.RunAsync(context, input)) is { } tally)
                {
                    return tally;
                }

                input = WorkflowJson.Unwrap<OverdueCheckInput>(context.Continued!);
            }
        });

        /// <summary>Answers what was scheduled, a round at a time, until the generation ends (no synchronization context: continuations run inline).</summary>
        private T Drive<T>(Task<T> generation)
        {
            while (!generation.IsCompleted)
            {
                Assert.NotEmpty(scheduled);
                round++;
                var answering = scheduled.ToList();
                scheduled.Clear();
                foreach (var (instance, complete) in answering)
                {
                    instance.Rounds.Add(round);
                    complete();
                }
            }

            return generation.GetAwaiter().GetResult();
        }

        private Context Start(string orchestrator, object input)
        {
            LargestInputJson = Math.Max(LargestInputJson, WorkflowJson.Wrap(input).Length);
            var instance = new Instance(orchestrator);
            Instances.Add(instance);
            return new Context(this, instance);
        }

        private object Answer(string activity, object? input)
        {
            Activities++;
            int batches = (contracts + 99) / 100;
            return activity switch
            {
                BillingActivityNames.PlanBillingBatches => new BillingBatchPlan(YM("2026-10"), D("2026-11-02"), batches, contracts),
                BillingActivityNames.InvoiceBillingBatch => new BillingTally(100, 100, 0, 0, 100 * 11_000, 0,
                    Enumerable.Range(0, failuresPerBatch).Select(i => new BillingRunFailure($"C-{((BillingBatchRequest)input!).Batch}-{i}", "contract", "a store refused its documents", null)).ToList()),
                OverdueActivityNames.PlanOverdueBatches => new OverdueBatchPlan(batches, contracts),
                OverdueActivityNames.ChaseOverdueBatch => new OverdueTally(100, 100, 0),
                _ => true,
            };
        }

        public sealed class Instance(string orchestrator)
        {
            public string Orchestrator { get; } = orchestrator;

            public int Scheduled { get; set; }

            public HashSet<int> Rounds { get; } = [];

            /// <summary>Its first episode, and one per round in which results came back.</summary>
            public int Episodes => 1 + Rounds.Count;

            /// <summary>As Durable records it: the start and the end, two events per scheduled task, two per episode.</summary>
            public int HistoryEvents => 2 + 2 * Scheduled + 2 * Episodes;
        }

        private sealed class Context(CountingRuntime runtime, Instance instance) : IWorkflowContext
        {
            public string? Continued { get; private set; }

            public Instant CurrentInstant => Instant.FromUtc(2026, 11, 2, 0, 0);

            public Task CreateTimer(Instant fireAt, CancellationToken cancellationToken) => Task.CompletedTask;

            public Task<T> WaitForEvent<T>(string eventName, CancellationToken cancellationToken) => throw new InvalidOperationException("no event is awaited");

            public Task<T> CallActivity<T>(string activityName, object? input)
            {
                instance.Scheduled++;
                var result = new TaskCompletionSource<T>();
                runtime.scheduled.Add((instance, () => result.SetResult(WorkflowJson.Unwrap<T>(WorkflowJson.Wrap(runtime.Answer(activityName, input))))));
                return result.Task;
            }

            public async Task<T> CallSubOrchestrator<T>(string orchestratorName, object? input)
            {
                instance.Scheduled++;
                var child = runtime.Start(orchestratorName, input!);
                var tally = await BillingSegmentOrchestration.RunAsync(child, WorkflowJson.Unwrap<BillingSegmentInput>(WorkflowJson.Wrap(input)));
                instance.Rounds.Add(runtime.round);
                return WorkflowJson.Unwrap<T>(WorkflowJson.Wrap(tally));
            }

            public void ContinueAsNew(object? input) => Continued = WorkflowJson.Wrap(input);
        }
    }
}
