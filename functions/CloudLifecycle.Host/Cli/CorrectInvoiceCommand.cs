using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// <c>correct-invoice INV-… --kind credit-note|corrected-invoice --reason TEXT (--lines 1=20000,3=0 | --cancel-in-full)</c>:
/// the CLI's <c>POST /invoices/{number}/corrections</c>, against the configured storage. The event id is derived from the
/// request, so running the same command again answers with the same document instead of issuing a second one.
/// </summary>
internal sealed class CorrectInvoiceCommand : ICommand
{
    public string Name => "correct-invoice";

    public string Synopsis => "<INVOICE-NUMBER> --kind credit-note|corrected-invoice --reason TEXT (--lines N=YEN[,N=YEN…] | --cancel-in-full) [--as-of yyyy-MM-dd] [--json]";

    public int Positionals => 1;

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var number = arguments.Words.Count > 1 ? arguments.Words[^1] : throw new UsageException($"usage: {Name} {Synopsis}");
        var kind = arguments.Required("kind") switch
        {
            "credit-note" => InvoiceKind.CreditNote,
            "corrected-invoice" => InvoiceKind.CorrectedInvoice,
            var other => throw new UsageException($"--kind: '{other}' is not a correction; expected credit-note or corrected-invoice"),
        };
        var reason = arguments.Required("reason");
        var cancel = arguments.Flag("cancel-in-full");
        var lines = Lines(arguments.Optional("lines"));
        var asOf = arguments.OptionalDate("as-of");
        var json = arguments.Flag("json");
        arguments.EnsureAllUsed(Name);

        IClock clock = asOf is { } date ? new VirtualClock(Tokyo.WakeInstant(date)) : SystemClock.Instance;
        using var services = Composition.Services(Composition.Settings(), clock);
        var stores = services.GetRequiredService<LifecycleStores>();
        var workflow = services.GetRequiredService<ContractWorkflow>();
        var request = new CorrectionRequested(number, workflow.Today, kind, reason, lines, cancel) { EventId = EventId(number, kind, reason, lines, cancel) };
        AmountBounds.Check(request);
        var (contractId, trigger) = InvoiceCorrections.RequestAsync(stores.Invoices, number, request, "invoice number").GetAwaiter().GetResult();
        var decision = workflow.RaiseAsync(contractId, trigger).GetAwaiter().GetResult();
        var issued = decision.Consequence.InvoiceNumber ?? decision.State.Corrections.FirstOrDefault(c => c.EventId == trigger.EventId)?.Number;
        if (json)
        {
            stdout.WriteLine(LifecycleJson.Serialize(new { contractId, invoiceNumber = issued, decision.Consequence }));
            return;
        }

        stdout.WriteLine(issued is null ? decision.Consequence.Summary.En : $"{issued}: {decision.Consequence.Summary.En}");
    }

    /// <summary><c>1=20000,3=0</c>: line numbers (as on the invoice, from 1) and their corrected amounts in yen.</summary>
    internal static IReadOnlyList<LineCorrection> Lines(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        return text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var parts = pair.Split('=');
            return parts.Length == 2
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var line)
                && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount)
                ? new LineCorrection(line, amount)
                : throw new UsageException($"--lines (lines): '{pair}' is not LINE=YEN (e.g. 1=20000)");
        }).ToList();
    }

    /// <summary>The same request gives the same id, so the decider applies it once (a rerun answers with the document it issued).</summary>
    private static string EventId(string number, InvoiceKind kind, string reason, IReadOnlyList<LineCorrection> lines, bool cancel)
    {
        var canonical = string.Join('|', number, kind, reason, cancel, string.Join(',', lines.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Line}={l.Amount}"))));
        return $"cli/correction/{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..32]}";
    }
}
