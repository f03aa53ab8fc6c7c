using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CsCheck;
using NodaTime;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Lifecycle.Decider;

/// <summary>
/// Rules that hold for every sequence of triggers, whatever the product and the order: a redelivered
/// event changes nothing, the version only grows (by one per stored change), the next wake-up is after
/// today, and a refusal is always a <see cref="ContractRuleException"/> (never a crash).
/// </summary>
public class DeciderPropertiesTests
{
    private static readonly ContractRegistration[] Contracts = [Eclect(), Nec(), Ntt(), Neutrix(), Storage()];

    private static readonly string[] Plans = ["entry", "standard", "advanced", "premium", "unknown"];

    private static readonly string[] Rules = ["discontinuation", "provider-termination", "deemed-notice", "cure", "price-change", "nonpayment-suspension", "nonpayment-termination", "nonsense"];

    private static Gen<Func<LocalDate, ContractState, Trigger>> Fixed(Func<LocalDate, ContractState, Trigger> make) => Gen.Int[0, 0].Select(_ => make);

    /// <summary>One step: days to move the clock forward, then a trigger built from today.</summary>
    private sealed record Step(int Days, Func<LocalDate, ContractState, Trigger> Make, string Name);

    private static readonly Gen<string?> EventId = Gen.Int[-3, 12].Select(i => i < 0 ? null : (string?)$"evt-{i}");

    private static readonly Gen<Func<LocalDate, ContractState, Trigger>> AnyTrigger = Gen.OneOf(
        Fixed((_, _) => new TimerFired()),
        Fixed((_, _) => new OverdueCheck()),
        Gen.Int[0, 2].Select<int, Func<LocalDate, ContractState, Trigger>>(back => (today, _) => new InvoiceMonth(today.ToYearMonth().PlusMonths(-back))),
        Gen.Select(Gen.Int[0, 400], EventId).Select<(int, string?), Func<LocalDate, ContractState, Trigger>>(p => (today, _) =>
            new CancellationRequested(today, today.PlusDays(p.Item1)) { EventId = p.Item2 }),
        Gen.Select(Gen.Int[1, 36], EventId).Select<(int, string?), Func<LocalDate, ContractState, Trigger>>(p => (today, state) =>
            new ExtensionRequested(today, (state.Dates.End ?? today).PlusMonths(p.Item1)) { EventId = p.Item2 }),
        Gen.Select(Gen.Int[-1, 24], Gen.Int[0, 200_000], EventId).Select<(int, int, string?), Func<LocalDate, ContractState, Trigger>>(p => (today, state) =>
            new ExtensionDecided(today, p.Item1 >= 0, p.Item1 >= 0 ? (state.Dates.End ?? today).PlusMonths(p.Item1) : null, p.Item2 % 2 == 0 ? p.Item2 : null) { EventId = p.Item3 }),
        Gen.Select(Gen.Int[0, 60], Gen.Int[0, Plans.Length - 1], Gen.Int[0, 30], Gen.Bool, EventId).Select<(int, int, int, bool, string?), Func<LocalDate, ContractState, Trigger>>(p => (today, _) =>
            new PlanChanged(today.PlusDays(p.Item1), Plans[p.Item2], p.Item3, p.Item4) { EventId = p.Item5 }),
        Gen.Select(Gen.Int[0, 1], Gen.Int[0, 500_000], EventId).Select<(int, int, string?), Func<LocalDate, ContractState, Trigger>>(p => (today, _) =>
            new UsageRecorded(new MonthUsage(today.ToYearMonth().PlusMonths(-p.Item1), AwsUsageUsd: p.Item2 / 100m, FxRate: 150m, Quantity: p.Item2 % 1000, ResourceFee: p.Item2)) { EventId = p.Item3 }),
        Gen.Select(Gen.Int[0, 1], Gen.Int[0, 200], EventId).Select<(int, int, string?), Func<LocalDate, ContractState, Trigger>>(p => (today, _) =>
            new OutageReported(new OutageRecord(today.ToYearMonth().PlusMonths(-p.Item1), p.Item2, false, today.PlusDays(-1), today)) { EventId = p.Item3 }),
        Gen.Select(Gen.Int[0, 3], Gen.Int[1, 2_000_000], EventId).Select<(int, int, string?), Func<LocalDate, ContractState, Trigger>>(p => (today, state) =>
            new PaymentReceived(state.OpenInvoices.Count > p.Item1 ? state.OpenInvoices[p.Item1].Number : "INV-NONE", today, p.Item2) { EventId = p.Item3 }),
        Gen.Select(Gen.Int[0, Rules.Length - 1].Select(i => Rules[i]), EventId).Select<(string, string?), Func<LocalDate, ContractState, Trigger>>(p => (today, _) =>
            new ProviderNoticeGiven(p.Item1, today) { EventId = p.Item2 }));

    private static readonly Gen<(int Contract, Step[] Steps)> Scenario = Gen.Select(
        Gen.Int[0, Contracts.Length - 1],
        Gen.Select(Gen.Int[0, 45], AnyTrigger).Select(p => new Step(p.Item1, p.Item2, string.Empty)).Array[5, 30]);

    [Fact]
    public void EverySequenceOfTriggers_KeepsTheDecidersPromises()
    {
        Scenario.Sample(scenario =>
        {
            var registration = Contracts[scenario.Contract];
            var today = registration.Dates.Start;
            var state = LifecycleDecider.Decide(registration.ToState(), new Registered(), today).State;
            foreach (var step in scenario.Steps)
            {
                today = today.PlusDays(step.Days);
                var trigger = step.Make(today, state);
                Decision decision;
                try
                {
                    decision = LifecycleDecider.Decide(state, trigger, today);
                }
                catch (ContractRuleException)
                {
                    continue; // refused: the caller keeps the state it had, nothing to store
                }

                var changed = decision.Commands.Count > 0;
                Assert.Equal(changed ? state.Version + 1 : state.Version, decision.State.Version);
                if (!changed)
                {
                    Assert.Same(state, decision.State);
                    continue; // nothing stored: the wake-up stays as it was until the timer runs
                }

                Assert.True(decision.State.NextWake is null || decision.State.NextWake > today, $"next wake {decision.State.NextWake} is not after {today} ({trigger})");

                if (trigger.EventId is not null)
                {
                    var redelivered = LifecycleDecider.Decide(decision.State, trigger, today.PlusDays(1));
                    Assert.Empty(redelivered.Commands);
                    Assert.Same(decision.State, redelivered.State);
                }

                state = decision.State;
            }
        }, iter: 300);
    }
}
