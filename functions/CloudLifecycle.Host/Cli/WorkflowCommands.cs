using CloudLifecycle.Adapters.Pdf;
using System.Globalization;
using CloudLifecycle.Adapters.Email;
using CloudLifecycle.Adapters.Files;
using CloudLifecycle.Adapters.Templates;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Core.Time;
using NodaTime;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// <c>demo</c>: the embedded default. Registers one sample contract per product, travels a virtual
/// clock through two years, prints the timeline (milestones, notices, invoices, each with its clause)
/// and writes every email (.eml) and invoice (HTML, JSON) under <c>--out</c> (default <c>./out</c>).
/// </summary>
internal sealed class DemoCommand(TextWriter progress) : ICommand
{
    public string Name => "demo";

    public string Synopsis => "[--out ./out] [--issuer-name N --issuer-registration T…]";

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var outDir = Path.GetFullPath(arguments.Optional("out") ?? "out");
        var issuer = HostSettings.Issuer(arguments.Optional("issuer-name"), arguments.Optional("issuer-registration"));
        arguments.EnsureAllUsed(Name);
        RunAsync(outDir, issuer, stdout).GetAwaiter().GetResult();
    }

    private async Task RunAsync(string outDir, Core.Billing.Issuer issuer, TextWriter stdout)
    {
        Directory.CreateDirectory(outDir);
        var stores = InMemoryStores.Create(new FileDocumentStore(outDir));
        var clock = new VirtualClock(Tokyo.WakeInstant(DemoScenario.From));
        var delivery = new OutboxDelivery(stores.Outbox, new FluidNoticeRenderer(), new EmlFileEmailSender(Path.Combine(outDir, "emails"), Composition.FromAddress()), stores.Documents, clock, Composition.Delivery(),
            new InvoiceMail(stores.Invoices, new PdfSharpInvoiceRenderer(), links: null));
        var simulation = new LifecycleSimulation(stores, clock, delivery, Composition.BillingRunDay());
        var bar = new ProgressBar(progress, DemoScenario.From, DemoScenario.Through);
        var refusals = new List<string>();
        await simulation.RunAsync(DemoScenario.From, DemoScenario.Through, DemoScenario.Script(stores, issuer), new SyncProgress<SimulationDay>(day =>
        {
            refusals.AddRange(day.Refusals);
            bar.Report(day);
        })).ConfigureAwait(false);

        var timeline = await Timeline.CollectAsync(stores, DemoScenario.ContractIds).ConfigureAwait(false);
        foreach (var line in timeline)
        {
            await stdout.WriteLineAsync(line.Format()).ConfigureAwait(false);
        }

        await File.WriteAllLinesAsync(Path.Combine(outDir, "timeline.txt"), timeline.Select(l => l.Format())).ConfigureAwait(false);
        var emails = Directory.Exists(Path.Combine(outDir, "emails")) ? Directory.GetFiles(Path.Combine(outDir, "emails"), "*.eml").Length : 0;
        var invoices = Directory.Exists(Path.Combine(outDir, "invoices")) ? Directory.GetFiles(Path.Combine(outDir, "invoices"), "*.html", SearchOption.AllDirectories).Length : 0;
        await stdout.WriteLineAsync().ConfigureAwait(false);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{DemoScenario.From:uuuu-MM-dd} → {DemoScenario.Through:uuuu-MM-dd}: {timeline.Count(l => l.Kind == "milestone")} milestones, {timeline.Count(l => l.Kind == "invoice")} documents issued ({bar.Invoiced} invoices of the monthly runs, ¥{bar.InvoicedTotal:N0}; the rest issued on events), {emails} emails; files under {outDir}"))
            .ConfigureAwait(false);
        await stdout.WriteLineAsync($"emails: {Path.Combine(outDir, "emails")}/*.eml · invoices: {Path.Combine(outDir, "invoices")}/<month>/*.html|json · timeline: {Path.Combine(outDir, "timeline.txt")}").ConfigureAwait(false);
        if (invoices == 0 || emails == 0)
        {
            throw new InvalidOperationException("the demo produced no invoices or no emails");
        }

        foreach (var refusal in refusals)
        {
            await progress.WriteLineAsync($"refused: {refusal}").ConfigureAwait(false);
        }
    }

    /// <summary>One line a month: a bar of the two years, then what that month issued.</summary>
    private sealed class ProgressBar(TextWriter writer, LocalDate from, LocalDate through)
    {
        private const int Width = 24;
        private readonly int totalDays = Period.Between(from, through, PeriodUnits.Days).Days + 1;
        private int delivered;
        // What the monthly billing runs issued; documents an event issues (late interest, payouts, penalties) are not in it.
        public int Invoiced { get; private set; }

        public long InvoicedTotal { get; private set; }

        public void Report(SimulationDay day)
        {
            delivered += day.Delivered;
            if (day.BillingRun is { } run)
            {
                Invoiced += run.Invoiced;
                InvoicedTotal += run.InvoicedTotal;
            }

            if (day.Date != day.Date.EndOfMonth() && day.Date != through)
            {
                return;
            }

            var done = Period.Between(from, day.Date, PeriodUnits.Days).Days + 1;
            var filled = (int)Math.Round((double)done / totalDays * Width);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{new string('#', filled)}{new string('.', Width - filled)}] {day.Date:uuuu-MM}  run invoices {Invoiced,3}  emails {delivered,4}"));
        }
    }

    /// <summary>Reports synchronously, in order (System.Progress posts to the thread pool).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

/// <summary>A line of a contract's timeline: a milestone, an event, an invoice or an email, with its clause.</summary>
internal sealed record TimelineLine(LocalDate Date, string ContractId, string Kind, string What, string Clause, string Text)
{
    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{Date:uuuu-MM-dd}  {ContractId,-9} {Kind,-9} {What,-28} {Clause,-14} {Text}");
}

internal static class Timeline
{
    public static async Task<IReadOnlyList<TimelineLine>> CollectAsync(LifecycleStores stores, IReadOnlyList<string> contractIds)
    {
        var lines = new List<TimelineLine>();
        foreach (var contractId in contractIds)
        {
            foreach (var entry in await stores.History.ListAsync(contractId).ConfigureAwait(false))
            {
                var kind = entry.Key.StartsWith("milestone/", StringComparison.Ordinal) ? "milestone"
                    : entry.Key.StartsWith("invoice/", StringComparison.Ordinal) ? "invoice" : "event";
                lines.Add(new TimelineLine(entry.Date, contractId, kind, LifecycleJson.Camel(entry.Kind), entry.Clause, entry.Description.En));
            }
        }

        await foreach (var item in stores.Outbox.ListAsync().ConfigureAwait(false))
        {
            if (contractIds.Contains(item.Notice.ContractId))
            {
                var sent = item.SentAt is { } at ? Tokyo.Today(at) : item.Notice.Date;
                lines.Add(new TimelineLine(sent, item.Notice.ContractId, item.Status == DeliveryStatus.Sent ? "email" : "email?" , LifecycleJson.Camel(item.Notice.Kind.ToString()), item.Notice.Clause, item.Notice.Subject.En));
            }
        }

        return lines.OrderBy(l => l.Date).ThenBy(l => l.ContractId, StringComparer.Ordinal).ThenBy(l => KindOrder(l.Kind)).ToList();
    }

    private static int KindOrder(string kind) => kind switch { "event" => 0, "milestone" => 1, "invoice" => 2, _ => 3 };
}
