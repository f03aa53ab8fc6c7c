using System.Security.Cryptography;
using System.Text;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Core.Application;

/// <summary>A contract the monthly run could not invoice, and why (a missing usage figure, say).</summary>
public sealed record BillingRunFailure(string ContractId, string Field, string Reason, string? Clause);

/// <summary>How far a monthly run has got.</summary>
public sealed record BillingRunProgress(int Contracts, int Invoiced);

/// <summary>
/// The outcome of a monthly invoice run; running the month again invoices nothing twice. The run's own figures
/// (<see cref="Invoiced"/>, <see cref="InvoicedTotal"/>: what this run issued) sit next to the month's
/// (<see cref="MonthInvoices"/>, <see cref="MonthTotal"/>: every invoice of the month in the invoice store, whichever
/// run or event issued it), so the stored report of a month still counts what earlier runs invoiced.
/// </summary>
public sealed record BillingRunReport(
    YearMonth Month,
    LocalDate RunDate,
    int Contracts,
    int Invoiced,
    int AlreadyInvoiced,
    int NotBillable,
    long InvoicedTotal,
    int Conflicts,
    IReadOnlyList<BillingRunFailure> Failures,
    int MonthInvoices = 0,
    long MonthTotal = 0,
    int UnlistedFailures = 0);

/// <summary>
/// The counts of part of a monthly run (a page locally, a batch on Azure); the parts add up to the run. The failures
/// listed are bounded (<see cref="MaxListedFailures"/>), the others counted in <see cref="UnlistedFailures"/>: a tally
/// crosses an orchestration's history, and a month where every contract fails (a store down) must not carry a million
/// of them (each batch's failures are all in its own document, <see cref="BillingBatches.FailuresPath"/>).
/// </summary>
public sealed record BillingTally(int Contracts, int Invoiced, int AlreadyInvoiced, int NotBillable, long InvoicedTotal, int Conflicts, IReadOnlyList<BillingRunFailure> Failures)
{
    public const int MaxListedFailures = 100;

    public static BillingTally Empty { get; } = new(0, 0, 0, 0, 0, 0, []);

    public int UnlistedFailures { get; init; }

    public int FailureCount => Failures.Count + UnlistedFailures;

    public BillingTally Add(BillingTally other) => new BillingTally(
        Contracts + other.Contracts, Invoiced + other.Invoiced, AlreadyInvoiced + other.AlreadyInvoiced, NotBillable + other.NotBillable,
        InvoicedTotal + other.InvoicedTotal, Conflicts + other.Conflicts, [.. Failures, .. other.Failures])
    {
        UnlistedFailures = UnlistedFailures + other.UnlistedFailures,
    }.Bounded();

    /// <summary>The first <see cref="MaxListedFailures"/> failures listed, the rest counted.</summary>
    public BillingTally Bounded() => Failures.Count <= MaxListedFailures
        ? this
        : this with { Failures = Failures.Take(MaxListedFailures).ToList(), UnlistedFailures = UnlistedFailures + Failures.Count - MaxListedFailures };

    public BillingRunReport ToReport(YearMonth month, LocalDate runDate) =>
        new(month, runDate, Contracts, Invoiced, AlreadyInvoiced, NotBillable, InvoicedTotal, Conflicts, Failures, UnlistedFailures: UnlistedFailures);
}

/// <summary>
/// One page of a monthly run: each contract decided with <see cref="InvoiceMonth"/>, the states saved under their
/// ETags together with their decisions' commands pending (entity-group batches where the store has them), and only
/// then the saved decisions' commands run, written together, and cleared from the rows. A contract changed meanwhile
/// is invoiced through its own round instead (an event), and the commands of the decision that lost are never run:
/// no invoice, notice or usage row from a decision that was not stored. A contract whose row still holds commands
/// from an earlier decision (a crash after its save) has them run first. One whose next wake-up moved earlier is
/// woken through its round, so its timer follows.
/// A page survives any one contract's failure: that contract is reported (id and reason) in the tally's
/// failures and left as it was, to be invoiced by a later run once its data is put right; the others
/// are invoiced.
/// </summary>
public sealed class MonthlyInvoicePage(LifecycleStores stores, IContractEvents events, IClock clock)
{
    /// <summary>The field a failure names when no contract rule explains it (an exception of the code or a store).</summary>
    public const string UnexpectedFailureField = "contract";

    /// <summary>Rounds raised at once in a page for contracts whose wake-up moved earlier (each a few round trips on a remote store).</summary>
    private const int ParallelWakeRounds = 8;

    private readonly CommandExecutor executor = new(stores);

    public async Task<BillingTally> RunAsync(YearMonth month, LocalDate today, IReadOnlyList<StoredContract> page, CancellationToken cancellationToken = default)
    {
        var trigger = new InvoiceMonth(month);
        int already = 0, notBillable = 0;
        var failures = new List<BillingRunFailure>();
        var decided = new List<(StoredContract Stored, Decision Decision)>(page.Count);
        foreach (var stored in await CompletePendingAsync(page, failures, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var decision = LifecycleDecider.Decide(stored.State, trigger, today);
                decided.Add((stored, decision));
                if (decision.Commands.OfType<IssueInvoice>().Any())
                {
                    continue;
                }

                if (stored.State.InvoicedMonths.Contains(month))
                {
                    already++;
                }
                else
                {
                    notBillable++;
                }
            }
            catch (ContractRuleException e) when (e.Field == "month")
            {
                notBillable++;
            }
            catch (ContractRuleException e)
            {
                failures.Add(new BillingRunFailure(stored.State.ContractId, e.Field, e.Reason, e.Clause));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add(Explain(stored.State, month, e));
            }
        }

        var changed = decided.Where(d => d.Decision.State.Version != d.Stored.State.Version).ToList();
        var (saved, lost, etags) = await SaveAsync(changed, failures, cancellationToken).ConfigureAwait(false);
        var executed = await ExecuteAsync(saved.Select(d => (d.Stored.State.ContractId, d.Decision.Commands)).ToList(), failures,
            "stored, but its commands failed (they stay pending on the contract and run at its next round)", cancellationToken).ConfigureAwait(false);
        // Cleared: the saved decisions whose commands ran, and the unchanged contracts whose earlier commands ran above.
        await ClearAsync(saved.Where(d => executed.Contains(d.Stored.State.ContractId) && etags.ContainsKey(d.Stored.State.ContractId))
            .Select(d => new StoredContract(d.Decision.State, etags[d.Stored.State.ContractId]))
            .Concat(decided.Where(d => d.Decision.State.Version == d.Stored.State.Version && d.Stored.PendingCommands.Count > 0)
                .Select(d => d.Stored with { PendingCommands = [] }))
            .ToList(), cancellationToken).ConfigureAwait(false);
        await RescheduleAsync(saved, failures, cancellationToken).ConfigureAwait(false);

        var raised = new List<(StoredContract Stored, Decision Decision)>(lost.Count);
        foreach (var (stored, _) in lost)
        {
            try
            {
                // Changed by its own round meanwhile: invoice it through the round, from the fresh state. What the run
                // issued is what the round decided (nothing when another run invoiced the month first), never the decision that lost.
                var round = await events.RaiseAsync(stored.State.ContractId, trigger, null, cancellationToken).ConfigureAwait(false);
                raised.Add((stored, round));
            }
            catch (ContractRuleException e)
            {
                failures.Add(new BillingRunFailure(stored.State.ContractId, e.Field, e.Reason, e.Clause));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add(Explain(stored.State, month, e));
            }
        }

        var issued = saved.Concat(raised).SelectMany(d => d.Decision.Commands.OfType<IssueInvoice>()).ToList();
        return new BillingTally(page.Count, issued.Count, already, notBillable, issued.Sum(i => i.Invoice.Total), lost.Count, failures);
    }

    /// <summary>
    /// The page with every contract's pending commands run (a crash after an earlier save left them): a contract whose
    /// commands fail again is reported and left out, since a new state must not be saved over commands not yet run.
    /// The rows keep their ETags: this run's save replaces the commands it ran with its own.
    /// </summary>
    private async Task<IReadOnlyList<StoredContract>> CompletePendingAsync(IReadOnlyList<StoredContract> page, List<BillingRunFailure> failures, CancellationToken cancellationToken)
    {
        var pending = page.Where(s => s.PendingCommands.Count > 0).Select(s => (s.State.ContractId, s.PendingCommands)).ToList();
        if (pending.Count == 0)
        {
            return page;
        }

        var completed = await ExecuteAsync(pending, failures, "commands of its last stored decision failed again", cancellationToken).ConfigureAwait(false);
        return page.Where(s => s.PendingCommands.Count == 0 || completed.Contains(s.State.ContractId)).ToList();
    }

    /// <summary>
    /// The contracts' commands written together; if that fails, each contract's on its own, so that one contract's
    /// commands cannot stop the others'. Returns the ids whose commands ran; the others are reported.
    /// </summary>
    private async Task<HashSet<string>> ExecuteAsync(List<(string ContractId, IReadOnlyList<LifecycleCommand> Commands)> contracts, List<BillingRunFailure> failures, string failed, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        try
        {
            await executor.ExecuteAsync(contracts.SelectMany(c => c.Commands).ToList(), now, cancellationToken).ConfigureAwait(false);
            return contracts.Select(c => c.ContractId).ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var executed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (contractId, commands) in contracts)
            {
                try
                {
                    // Every command is an upsert under a deterministic key: writing again what the batch wrote is harmless.
                    await executor.ExecuteAsync(commands, now, cancellationToken).ConfigureAwait(false);
                    executed.Add(contractId);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    failures.Add(new BillingRunFailure(contractId, UnexpectedFailureField, $"{failed}: {error.GetType().Name}: {error.Message}", null));
                }
            }

            return executed;
        }
    }

    /// <summary>
    /// The states saved together under their ETags, each with its decision's commands pending; if that fails, one at
    /// a time. Returns those saved (with their new ETags) and those another writer changed meanwhile (lost), reporting
    /// any other failure.
    /// </summary>
    private async Task<(List<(StoredContract Stored, Decision Decision)> Saved, List<(StoredContract Stored, Decision Decision)> Lost, IReadOnlyDictionary<string, string> ETags)> SaveAsync(
        List<(StoredContract Stored, Decision Decision)> changed, List<BillingRunFailure> failures, CancellationToken cancellationToken)
    {
        try
        {
            var result = await stores.Contracts.ReplaceManyAsync(
                changed.Select(d => d.Stored with { State = d.Decision.State, PendingCommands = d.Decision.Commands }).ToList(), cancellationToken).ConfigureAwait(false);
            return (changed.Where(d => !result.Conflicts.Contains(d.Stored.State.ContractId)).ToList(),
                changed.Where(d => result.Conflicts.Contains(d.Stored.State.ContractId)).ToList(), result.ETags);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            List<(StoredContract, Decision)> saved = [], lost = [];
            var etags = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var one in changed)
            {
                try
                {
                    etags[one.Stored.State.ContractId] = await stores.Contracts.ReplaceAsync(one.Decision.State, one.Stored.ETag, one.Decision.Commands, cancellationToken).ConfigureAwait(false);
                    saved.Add(one);
                }
                catch (ConcurrencyException)
                {
                    lost.Add(one);
                }
                catch (Exception failed) when (failed is not OperationCanceledException)
                {
                    failures.Add(Unexpected(one.Stored.State.ContractId, failed));
                }
            }

            return (saved, lost, etags);
        }
    }

    /// <summary>
    /// Clears the commands that ran from the rows that still hold them (their ETag is the save's). A row changed since
    /// is left alone: its writer ran them before storing its own. A clear that fails only means they run once more.
    /// </summary>
    private async Task ClearAsync(List<StoredContract> ran, CancellationToken cancellationToken)
    {
        if (ran.Count == 0)
        {
            return;
        }

        try
        {
            // Only the outbox is cleared, under the save's ETag: the state just saved is not written again.
            await stores.Contracts.ClearPendingManyAsync(ran, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Left pending: the contract's next round (or the host's start) runs them again, harmlessly.
        }
    }

    /// <summary>
    /// The wake-ups the saved decisions moved: the old dates unlisted together (entity-group batches of one date on
    /// Table Storage; one by one if that fails, so that one contract's failure names that contract), then each contract
    /// whose wake-up moved earlier woken through its round, so its timer follows.
    /// </summary>
    private async Task RescheduleAsync(List<(StoredContract Stored, Decision Decision)> saved, List<BillingRunFailure> failures, CancellationToken cancellationToken)
    {
        var moved = saved
            .Where(d => d.Stored.State.NextWake is { } previous && previous != d.Decision.State.NextWake)
            .Select(d => (d.Stored.State.ContractId, d.Stored.State.NextWake!.Value))
            .ToList();
        var unmoved = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await stores.DueIndex.RemoveManyAsync(moved, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            foreach (var (contractId, previous) in moved)
            {
                try
                {
                    await stores.DueIndex.RemoveAsync(contractId, previous, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    unmoved.Add(contractId);
                    failures.Add(NotMoved(contractId, error));
                }
            }
        }

        // Each such round is a contract's own (load, decide, save): different contracts, so a few at once. Their
        // failures are listed in page order, whichever finished first.
        // A host whose timers are the due index has them moved already (the saved decisions' ScheduleWakeUp ran above).
        var earlier = events.TimersFollowDueIndex ? [] : saved.Where(d => WakesEarlier(d.Stored.State.NextWake, d.Decision.State.NextWake) && !unmoved.Contains(d.Stored.State.ContractId)).ToList();
        var notWoken = new BillingRunFailure?[earlier.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, earlier.Count), new ParallelOptions { MaxDegreeOfParallelism = ParallelWakeRounds, CancellationToken = cancellationToken }, async (i, token) =>
        {
            var (stored, decision) = earlier[i];
            try
            {
                // Saved outside the contract's round: a timer set for the later date would oversleep.
                await events.RaiseAsync(stored.State.ContractId, new TimerFired { EventId = $"rescheduled/{decision.State.Version}" }, null, token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                notWoken[i] = NotMoved(stored.State.ContractId, e);
            }
        }).ConfigureAwait(false);
        failures.AddRange(notWoken.OfType<BillingRunFailure>());
    }

    private static BillingRunFailure NotMoved(string contractId, Exception e) =>
        new(contractId, "nextWake", $"invoiced, but its wake-up was not moved: {e.GetType().Name}: {e.Message}", null);

    /// <summary>
    /// Why deciding a contract's month threw something other than a contract rule: a figure outside its
    /// bounds (stored before the bounds were checked at the door) names its field; otherwise the exception.
    /// </summary>
    private static BillingRunFailure Explain(ContractState state, YearMonth month, Exception e)
    {
        try
        {
            AmountBounds.Check(BillingInputs.For(state, month));
        }
        catch (ContractRuleException bound)
        {
            return new BillingRunFailure(state.ContractId, bound.Field, bound.Reason, bound.Clause);
        }
        catch (Exception other) when (other is not OperationCanceledException)
        {
            // The state cannot even be read as a billing input: the original exception says more.
        }

        return Unexpected(state.ContractId, e);
    }

    private static BillingRunFailure Unexpected(string contractId, Exception e) =>
        new(contractId, UnexpectedFailureField, $"{e.GetType().Name}: {e.Message}", null);

    private static bool WakesEarlier(LocalDate? before, LocalDate? after) =>
        after is { } next && (before is not { } previous || next < previous);
}

/// <summary>
/// The monthly invoice run of one process: every contract, a page at a time, through
/// <see cref="MonthlyInvoicePage"/>; the report is stored as <c>reports/billing-{month}.json</c>.
/// Memory holds one page per page running at once (<see cref="ParallelPages"/>), whatever the number of contracts.
/// Running a month again invoices nothing twice.
/// </summary>
public sealed class MonthlyInvoiceRun(LifecycleStores stores, IContractEvents events, IClock clock)
{
    public const int DefaultPageSize = 100;

    public MonthlyInvoiceRun(LifecycleStores stores, ContractWorkflow workflow)
        : this(stores, workflow, workflow.Clock)
    {
    }

    public async Task<BillingRunReport> RunAsync(YearMonth month, IProgress<BillingRunProgress>? progress = null, int pageSize = DefaultPageSize, CancellationToken cancellationToken = default)
    {
        var today = events.Today;
        LifecycleDecider.EnsureMonthEnded(month, today);

        var page = new MonthlyInvoicePage(stores, events, clock);
        var gate = new object();
        var tally = BillingTally.Empty;
        var failures = new SortedDictionary<long, IReadOnlyList<BillingRunFailure>>();
        var numbered = Numbered(stores.Contracts.ScanAsync(pageSize, cancellationToken), cancellationToken);
        // Pages are disjoint sets of contracts and a page keeps no state between calls, so pages may run side by side;
        // the scan hands out one page at a time, so memory holds at most ParallelPages pages.
        await Parallel.ForEachAsync(numbered, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, ParallelPages), CancellationToken = cancellationToken },
            async (numberedPage, token) =>
            {
                var pageTally = await page.RunAsync(month, today, numberedPage.Contracts, token).ConfigureAwait(false);
                lock (gate)
                {
                    if (pageTally.Failures.Count > 0)
                    {
                        failures.Add(numberedPage.Index, pageTally.Failures);
                    }

                    tally = tally.Add(pageTally with { Failures = [] });
                    progress?.Report(new BillingRunProgress(tally.Contracts, tally.Invoiced));
                }
            }).ConfigureAwait(false);

        // Failures listed in scan order, so the report is the same whatever order the pages finished in.
        var total = tally with { Failures = [.. failures.Values.SelectMany(f => f)] };
        return await StoreReportAsync(stores, total.ToReport(month, today), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// How many pages run at once (at least 1). The host supplies it from its settings (the number of cores, say): core
    /// reads no environment. Each contract is still decided, saved and invoiced by exactly one page.
    /// </summary>
    public int ParallelPages { get; init; } = 1;

    private static async IAsyncEnumerable<(long Index, IReadOnlyList<StoredContract> Contracts)> Numbered(
        IAsyncEnumerable<IReadOnlyList<StoredContract>> pages, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long index = 0;
        await foreach (var contracts in pages.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return (index++, contracts);
        }
    }

    public static string ReportPath(YearMonth month) => $"reports/billing-{month:uuuu-MM}.json";

    /// <summary>
    /// Stores the report of a run with the month's figures recomputed from the invoice store: a rerun (after usage
    /// arrived, or after a crash before the report was written) replaces the document, but not what it counts.
    /// </summary>
    public static async Task<BillingRunReport> StoreReportAsync(LifecycleStores stores, BillingRunReport run, CancellationToken cancellationToken = default)
    {
        var (count, total) = await stores.Invoices.MonthFiguresAsync(run.Month, cancellationToken).ConfigureAwait(false);
        var report = run with { MonthInvoices = count, MonthTotal = total };
        await stores.Documents.PutAsync(ReportPath(run.Month), "application/json", Encoding.UTF8.GetBytes(LifecycleJson.Serialize(report)), cancellationToken).ConfigureAwait(false);
        return report;
    }
}

/// <summary>The daily overdue check: every contract with an invoice past its due date is chased through its round.</summary>
public sealed class OverdueCheckRun(LifecycleStores stores, IContractEvents workflow)
{
    /// <summary>Returns the number of overdue notices enqueued.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var today = workflow.Today;
        var notices = 0;
        await foreach (var page in stores.Contracts.ScanAsync(MonthlyInvoiceRun.DefaultPageSize, cancellationToken).ConfigureAwait(false))
        {
            foreach (var stored in page.Where(s => IsOverdue(s.State, today)))
            {
                notices += await ChaseAsync(workflow, stored.State.ContractId, today, cancellationToken).ConfigureAwait(false);
            }
        }

        return notices;
    }

    public static bool IsOverdue(ContractState state, LocalDate today) => state.OpenInvoices.Any(i => i.DueDate < today);

    /// <summary>Raises the day's check (one event id per contract and day, so a repeat is harmless); returns the overdue notices it enqueues.</summary>
    public static async Task<int> ChaseAsync(IContractEvents events, string contractId, LocalDate today, CancellationToken cancellationToken)
    {
        var decision = await events.RaiseAsync(contractId, new OverdueCheck { EventId = $"overdue-check/{LifecycleJson.Iso(today)}" }, null, cancellationToken).ConfigureAwait(false);
        return decision.Commands.OfType<EnqueueNotice>().Count(n => n.Notice.Kind == NoticeKind.PaymentOverdue);
    }
}

/// <summary>
/// Delivery settings: the pace (at most <see cref="HourlyQuota"/> emails in any hour and <see cref="MinuteQuota"/> in any
/// minute: Azure Communication Services' default sending limits for a custom domain, 30 a minute and 100 an hour, per
/// learn.microsoft.com/azure/communication-services/concepts/email/sdk-features, "API throttling and timeouts"; an
/// Azure-managed domain allows 5 and 10, per the service-limits page), retries, the message-id domain, and the lease a
/// deliverer holds on a claimed notice while it sends (another deliverer takes the notice only once the lease has
/// expired without "sent").
/// </summary>
public sealed record DeliveryOptions(int HourlyQuota = 100, int MaxAttempts = 8, string MessageIdDomain = "cloudlifecycle.invalid", int LeaseMinutes = 10, int MinuteQuota = 30);

/// <summary>What one delivery pass did; <see cref="ClaimedElsewhere"/> counts notices another deliverer claimed first.</summary>
public sealed record DeliveryReport(int Sent, int Retrying, int GaveUp, bool QuotaReached, int ClaimedElsewhere = 0);

/// <summary>
/// Delivers the outbox: due notices, oldest first, at the configured pace. A pass sends at most what both windows still
/// allow: <see cref="DeliveryOptions.HourlyQuota"/> less what the outbox records as sent in the last hour, and
/// <see cref="DeliveryOptions.MinuteQuota"/> less what it records as sent in the last minute. The budget is read from the
/// store, not kept in memory, so any number of passes, hosts and Function instances share one pace, and what a pass
/// leaves waits, still pending, for the next: a month's invoice emails spread over as many passes as the pace needs,
/// none dropped, none sent twice. Each notice is first claimed with a
/// conditional update (the row's ETag) to "sending" under a lease, so of any number of deliverers (hosts, Function
/// instances) sharing the outbox exactly one sends it; it is then rendered and sent under a message id derived from
/// the notice id (the same on every attempt), and the server's acceptance is recorded with the time ("sent").
/// A failure is retried with exponential back-off (1, 2, 4… minutes, at most an hour) and given up after
/// <see cref="DeliveryOptions.MaxAttempts"/> attempts, kept in the outbox as failed. A deliverer that dies between
/// the server's acceptance and recording it leaves a claim whose lease expires: the notice is then sent again under
/// the same Message-ID (at least once, never twice within a lease; the receiving side can drop the repeat by its id).
/// </summary>
public sealed class OutboxDelivery(IOutbox outbox, INoticeRenderer renderer, IEmailSender sender, IDocumentStore documents, IClock clock, DeliveryOptions options, InvoiceMail? invoiceMail = null, IWebhookOutbox? webhooks = null)
{
    public async Task<DeliveryReport> DeliverAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetCurrentInstant();
        var budget = await BudgetAsync(now, cancellationToken).ConfigureAwait(false);
        if (budget <= 0)
        {
            return new DeliveryReport(0, 0, 0, QuotaReached: true);
        }

        var due = await outbox.DueAsync(now, budget, cancellationToken).ConfigureAwait(false);
        int sent = 0, retrying = 0, gaveUp = 0, claimedElsewhere = 0;
        foreach (var candidate in due)
        {
            var item = await ClaimAsync(candidate, cancellationToken).ConfigureAwait(false);
            if (item is null)
            {
                claimedElsewhere++;
                continue;
            }

            if (item.Status == DeliveryStatus.Failed)
            {
                gaveUp++;
                continue;
            }

            EmailMessage message;
            string acceptance;
            try
            {
                // An issued document's email carries it (attached, and a signed link); the notice's id and Message-ID stay the same.
                var (notice, attachments) = invoiceMail is null ? (item.Notice, Array.Empty<EmailAttachment>()) : await invoiceMail.PrepareAsync(item.Notice, now, cancellationToken).ConfigureAwait(false);
                message = renderer.Render(notice, MessageId(item.Notice.Id, options.MessageIdDomain)) with { SentAt = now, Attachments = attachments };
                acceptance = await sender.SendAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var giveUp = item.Attempts >= options.MaxAttempts;
                var backOff = Duration.FromMinutes(Math.Min(60, 1 << Math.Min(item.Attempts - 1, 6)));
                // Conditional on our claim: if the lease ran out and another deliverer took the notice, its record stands.
                await outbox.TryUpdateAsync(item with { Status = giveUp ? DeliveryStatus.Failed : DeliveryStatus.Pending, NextAttemptAt = now + backOff, LastError = e.Message }, cancellationToken).ConfigureAwait(false);
                if (giveUp)
                {
                    gaveUp++;
                }
                else
                {
                    retrying++;
                }

                continue;
            }

            var sentAt = clock.GetCurrentInstant();
            if (webhooks is not null)
            {
                // Before "sent" is recorded: a deliverer dying between the two sends the email again under its Message-ID and
                // enqueues the same notice.sent again (first row kept), so the webhook is never lost.
                await webhooks.EnqueueAsync([WebhookEvents.NoticeSent(item.Notice, sentAt)], sentAt, cancellationToken).ConfigureAwait(false);
            }

            await outbox.TryUpdateAsync(item with { Status = DeliveryStatus.Sent, SentAt = sentAt, SmtpReply = acceptance, LastError = null }, cancellationToken).ConfigureAwait(false);
            await documents.PutAsync($"notices/{item.Notice.ContractId}/{Sanitise(item.Notice.Id)}.html", "text/html; charset=utf-8", Encoding.UTF8.GetBytes(message.Html), cancellationToken).ConfigureAwait(false);
            sent++;
        }

        return new DeliveryReport(sent, retrying, gaveUp, QuotaReached: due.Count == budget, claimedElsewhere);
    }

    /// <summary>How many emails this pass may send now: what is left of the hour's quota and of the minute's, whichever is less.</summary>
    public async Task<int> BudgetAsync(Instant now, CancellationToken cancellationToken = default)
    {
        var hour = options.HourlyQuota - await outbox.CountSentSinceAsync(now - Duration.FromHours(1), cancellationToken).ConfigureAwait(false);
        var minute = options.MinuteQuota - await outbox.CountSentSinceAsync(now - Duration.FromMinutes(1), cancellationToken).ConfigureAwait(false);
        return Math.Max(0, Math.Min(hour, minute));
    }

    /// <summary>
    /// Takes the notice for this deliverer: "sending", one more attempt, leased until now + the lease. Null when another
    /// deliverer changed the row first. A claim whose lease expired after <see cref="DeliveryOptions.MaxAttempts"/>
    /// attempts (a deliverer dying on it each time) is given up instead of being sent again.
    /// </summary>
    private async Task<OutboxItem?> ClaimAsync(OutboxItem candidate, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var expiredClaim = candidate.Status == DeliveryStatus.Sending;
        if (expiredClaim && candidate.Attempts >= options.MaxAttempts)
        {
            return await outbox.TryUpdateAsync(candidate with { Status = DeliveryStatus.Failed, LastError = $"no acceptance recorded after {candidate.Attempts} attempts (each claim's lease expired)" }, cancellationToken).ConfigureAwait(false);
        }

        return await outbox.TryUpdateAsync(candidate with
        {
            Status = DeliveryStatus.Sending,
            Attempts = candidate.Attempts + 1,
            NextAttemptAt = now + Duration.FromMinutes(options.LeaseMinutes),
            LastError = expiredClaim ? "the previous claim's lease expired without a recorded acceptance: sent again under the same Message-ID" : candidate.LastError,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A stable RFC 5322 message id for a notice: the same notice always gets the same id.</summary>
    public static string MessageId(string noticeId, string domain) =>
        $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(noticeId)))[..32]}@{domain}";

    /// <summary>A notice id as a file or blob name.</summary>
    public static string Sanitise(string noticeId) =>
        string.Concat(noticeId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
