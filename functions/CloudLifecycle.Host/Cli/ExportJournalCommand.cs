using System.Globalization;
using CloudLifecycle.Adapters.Email;
using CloudLifecycle.Adapters.Templates;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Application.InMemory;
using CloudLifecycle.Core.Billing.Books;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Time;
using CloudLifecycle.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// <c>export journal --month 2026-10 --format yayoi|freee|mf [--out FILE] [--demo]</c>: the month's documents and
/// payments as the import CSV of 弥生会計, freee or マネーフォワード クラウド会計 (docs/books.md). With <c>--out</c> the file
/// is written in the program's code page (Shift_JIS for yayoi and mf) and a summary printed; without it the CSV is
/// printed as text. Reads the configured storage, or with <c>--demo</c> the embedded demo's two years, simulated in memory.
/// </summary>
internal sealed class ExportJournalCommand : ICommand
{
    public string Name => "export journal";

    public string Synopsis => "--month yyyy-MM --format yayoi|freee|mf [--out FILE] [--demo]";

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var month = arguments.OptionalMonth("month") ?? throw new UsageException("--month is required (yyyy-MM)");
        AmountBounds.Dates.Check(month, "month");
        var formatText = arguments.Required("format");
        var format = JournalCsv.Parse(formatText, "--format");
        var output = arguments.Optional("out");
        var demo = arguments.Flag("demo");
        arguments.EnsureAllUsed(Name);

        var file = demo ? FromDemoAsync(month, format).GetAwaiter().GetResult() : FromStorage(month, format);
        if (output is null)
        {
            stdout.Write(JournalCsv.Write(format, file.Lines));
            return;
        }

        File.WriteAllBytes(output, file.Content);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFullPath(output)}: {JournalCsv.Name(format)}, {file.ContentType}, {file.Lines.Count} lines ({file.Documents} documents, {file.Receipts} payments), {file.Content.Length} bytes"));
    }

    private static JournalFile FromStorage(YearMonth month, JournalFormat format)
    {
        using var services = Composition.Services(Composition.Settings(), SystemClock.Instance);
        return JournalExport.ExportAsync(services.GetRequiredService<LifecycleStores>(), month, format).GetAwaiter().GetResult();
    }

    /// <summary>The demo's contracts through their two years, in memory (its emails go to a temporary folder, removed after).</summary>
    private static async Task<JournalFile> FromDemoAsync(YearMonth month, JournalFormat format)
    {
        var stores = InMemoryStores.Create();
        var clock = new VirtualClock(Tokyo.WakeInstant(DemoScenario.From));
        var emails = Directory.CreateTempSubdirectory("cloudlifecycle-journal-");
        try
        {
            var delivery = new OutboxDelivery(stores.Outbox, new FluidNoticeRenderer(), new EmlFileEmailSender(emails.FullName, Composition.FromAddress()), stores.Documents, clock, Composition.Delivery());
            var simulation = new LifecycleSimulation(stores, clock, delivery, Composition.BillingRunDay());
            await simulation.RunAsync(DemoScenario.From, DemoScenario.Through, DemoScenario.Script(stores, HostSettings.Issuer(null, null)), new Unreported()).ConfigureAwait(false);
            return await JournalExport.ExportAsync(stores, month, format).ConfigureAwait(false);
        }
        finally
        {
            emails.Delete(recursive: true);
        }
    }

    /// <summary>The simulation's days are not shown: the export prints the file only.</summary>
    private sealed class Unreported : IProgress<SimulationDay>
    {
        public void Report(SimulationDay value)
        {
        }
    }
}
