using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Core.Application;

/// <summary>A clock the simulation moves: the only clock the application reads is the one it is given.</summary>
public sealed class VirtualClock(Instant start) : IClock
{
    public Instant Now { get; set; } = start;

    public Instant GetCurrentInstant() => Now;
}

/// <summary>Something that happens on a day of a simulation: a registration, a CRM event, a payment.</summary>
public sealed record ScriptedStep(LocalDate Date, string Description, Func<ContractWorkflow, CancellationToken, Task> Run);

/// <summary>What one simulated day did.</summary>
public sealed record SimulationDay(LocalDate Date, int Woken, BillingRunReport? BillingRun, int OverdueNotices, int Delivered, IReadOnlyList<string> Refusals);

/// <summary>
/// Travels a virtual clock day by day through the same jobs the local host schedules: scripted
/// events, due contracts, the monthly invoice run on <see cref="BillingRunDay"/>, the daily overdue
/// check and outbox delivery (within the hourly quota, moving the clock on by the hour when it is spent).
/// </summary>
public sealed class LifecycleSimulation(LifecycleStores stores, VirtualClock clock, OutboxDelivery delivery, int billingRunDay = 1)
{
    public int BillingRunDay { get; } = billingRunDay;

    public ContractWorkflow Workflow { get; } = new(stores, clock);

    public async Task RunAsync(LocalDate from, LocalDate through, IReadOnlyList<ScriptedStep> script, IProgress<SimulationDay>? progress = null, CancellationToken cancellationToken = default)
    {
        var billing = new MonthlyInvoiceRun(stores, Workflow);
        var overdue = new OverdueCheckRun(stores, Workflow);
        var byDay = script.ToLookup(s => s.Date);
        for (var day = from; day <= through; day = day.PlusDays(1))
        {
            clock.Now = Tokyo.WakeInstant(day);
            var refusals = new List<string>();
            foreach (var step in byDay[day])
            {
                try
                {
                    await step.Run(Workflow, cancellationToken).ConfigureAwait(false);
                }
                catch (ContractRuleException e)
                {
                    refusals.Add($"{step.Description}: {e.Message}");
                }
            }

            var woken = await Workflow.WakeDueAsync(cancellationToken).ConfigureAwait(false);
            var run = day.Day == BillingRunDay
                ? await billing.RunAsync(day.ToYearMonth().PlusMonths(-1), cancellationToken: cancellationToken).ConfigureAwait(false)
                : null;
            var chased = await overdue.RunAsync(cancellationToken).ConfigureAwait(false);
            var delivered = 0;
            for (var hour = 0; hour < 15; hour++)
            {
                var report = await delivery.DeliverAsync(cancellationToken).ConfigureAwait(false);
                delivered += report.Sent;
                if (!report.QuotaReached && report.Retrying == 0)
                {
                    break;
                }

                clock.Now += Duration.FromHours(1);
            }

            progress?.Report(new SimulationDay(day, woken, run, chased, delivered, refusals));
        }
    }
}
