using System.Reflection;
using System.Text.Json.Serialization;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Core.Lifecycle.Decider;
using static CloudLifecycle.Core.Tests.IsoDates;
using static CloudLifecycle.Core.Tests.Lifecycle.LifecycleFixtures;

namespace CloudLifecycle.Core.Tests.Lifecycle.Decider;

public class TriggerPolicyTests
{
    [Fact]
    public void EveryTriggerTheJsonKnows_HasARowInTheStatusTable()
    {
        var known = typeof(Trigger).GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => a.DerivedType).ToHashSet();

        Assert.Equal(known.OrderBy(t => t.Name), TriggerPolicy.Triggers.OrderBy(t => t.Name));
    }

    /// <summary>A contract the provider ended (OPTAGE §29-3) and that has closed.</summary>
    private static ContractState ClosedByProvider()
    {
        var state = Registered(Storage(), "2026-05-01");
        state = LifecycleDecider.Decide(state, new ProviderNoticeGiven("provider-termination", D("2027-06-01")), D("2027-06-01")).State;
        state = LifecycleDecider.Decide(state, new TimerFired(), D("2027-07-02")).State;
        Assert.Equal(ContractStatus.Closed, state.Status);
        return state;
    }

    public static TheoryData<string, Trigger> RefusedOnceClosed => new()
    {
        { "cancellation", new CancellationRequested(D("2027-07-10"), D("2027-09-30")) },
        { "plan", new PlanChanged(D("2027-08-01"), "entry", 3) },
        { "rule", new ProviderNoticeGiven("provider-termination", D("2027-07-10")) },
        { "extension", new ExtensionRequested(D("2027-07-10"), D("2030-03-31")) },
    };

    [Theory]
    [MemberData(nameof(RefusedOnceClosed))]
    public void ClosedContract_RefusesWhatWouldChangeItsFuture_AsAConflictCitingTheClauseThatEndedIt(string field, Trigger trigger)
    {
        var closed = ClosedByProvider();

        var refusal = Assert.Throws<ContractRuleException>(() => LifecycleDecider.Decide(closed, trigger, D("2027-07-10")));

        Assert.Equal(field, refusal.Field);
        Assert.Equal(RefusalKind.Conflict, refusal.Kind);
        Assert.Equal("§29-3", refusal.Clause);
    }

    [Fact]
    public void ClosedContract_StillTakesItsLastMonthsUsageAndInvoice()
    {
        var closed = ClosedByProvider();

        var usage = LifecycleDecider.Decide(closed, new UsageRecorded(new MonthUsage(YM("2027-07"), ResourceFee: 50_000m)), D("2027-07-10"));
        var invoiced = LifecycleDecider.Decide(usage.State, new InvoiceMonth(YM("2027-07")), D("2027-08-01"));

        Assert.Single(invoiced.Commands.OfType<IssueInvoice>());
    }
}
