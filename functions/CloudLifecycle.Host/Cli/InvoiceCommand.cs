using CloudLifecycle.Adapters.Pdf;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Billing.Rendering;
using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// <c>invoice</c>: one contract's invoice for one month, from options and/or a contract file and a
/// usage file (options win). Text by default; <c>--json</c>, or <c>--format json|html|csv</c>.
/// </summary>
internal sealed class InvoiceCommand : ICommand
{
    public string Name => "invoice";

    public string Synopsis =>
        "--product CODE --start DATE --month YYYY-MM [--issued DATE] [--end DATE] [--contract-id ID] [--customer NAME] " +
        "[--aws-usage-usd N --fx-rate N | --aws-usage-jpy N] [--base-fee N --unit-price N --quantity N] " +
        "[--plan P --components N [--windows] [--component-pricing volume|graduated] [--resource-fee N] [--qualified-invoice]] " +
        "[--contract FILE] [--usage FILE] [--issuer-name NAME --issuer-registration T...] [--format text|json|html|csv|pdf|ubl] [--out FILE] [--document NUMBER] [--lang ja|en] [--json]";

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var contract = InvoiceFiles.Read<ContractFile>(arguments.Optional("contract"), "contract") ?? new ContractFile();
        var usage = InvoiceFiles.Read<UsageFile>(arguments.Optional("usage"), "usage") ?? new UsageFile();
        var input = Input(arguments, contract, usage);
        var format = Format(arguments);
        var language = arguments.Optional("lang") switch
        {
            null or "ja" => Language.Ja,
            "en" => Language.En,
            var other => throw new UsageException($"--lang: '{other}' is not ja or en"),
        };
        var documentNumber = arguments.Optional("document");
        var outFile = arguments.Optional("out");
        arguments.EnsureAllUsed(Name);
        if (format == "pdf" && outFile is null)
        {
            throw new UsageException("--format pdf writes a file: --out FILE is required");
        }
        CheckBounds(input);

        // The documents the system issues for the month: the month's invoice, and beside it the amounts a
        // clause of their own makes due on another day (nec-express5800 termination charges, -P1).
        var documents = BillingCatalog.For(input.Product).InvoiceByDueDate(input).Where(d => d.Lines.Count > 0).ToList();
        var selected = Document(documentNumber, documents);
        switch (format)
        {
            case "json" when selected is null && documents.Count > 1:
                Output.WriteJson(stdout, documents.Select(InvoiceJson.From).ToList());
                break;
            case "json":
                Output.WriteJson(stdout, InvoiceJson.From(selected ?? documents[0]));
                break;
            case "html":
                stdout.Write(InvoiceHtml.Render(selected ?? documents[0], language));
                break;
            case "csv":
                stdout.Write(InvoiceCsv.Render(selected ?? documents[0]));
                break;
            case "pdf":
                WriteFile(stdout, outFile!, new PdfSharpInvoiceRenderer().Render(selected ?? documents[0], language), selected ?? documents[0]);
                break;
            case "ubl" when outFile is not null:
                WriteFile(stdout, outFile, System.Text.Encoding.UTF8.GetBytes(InvoiceUbl.Render(selected ?? documents[0], contract.Customer?.Email)), selected ?? documents[0]);
                break;
            case "ubl":
                // JP PINT (UBL 2.1); the buyer's electronic address is the contract file's customer e-mail, when it has one.
                stdout.Write(InvoiceUbl.Render(selected ?? documents[0], contract.Customer?.Email));
                break;
            default:
                foreach (var document in selected is null ? documents : [selected])
                {
                    WriteText(stdout, document, language);
                }

                break;
        }
    }

    /// <summary>Writes a binary document to <c>--out</c> and says where, with its number and total.</summary>
    private static void WriteFile(TextWriter stdout, string path, byte[] content, Invoice invoice)
    {
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllBytes(full, content);
        stdout.WriteLine($"{invoice.Number}: {content.Length:N0} bytes written to {full} (total ¥{invoice.Total:N0})");
    }

    /// <summary><c>--document NUMBER</c>: one of the month's documents; html and csv show the month's invoice without it.</summary>
    private static Invoice? Document(string? number, IReadOnlyList<Invoice> documents) =>
        number is null
            ? null
            : documents.FirstOrDefault(d => d.Number == number)
                ?? throw new UsageException($"--document: '{number}' is not a document of this month; they are {string.Join(", ", documents.Select(d => d.Number))}");

    /// <summary>The options that carry a figure, by the field <see cref="AmountBounds"/> names.</summary>
    private static readonly Dictionary<string, string> FigureOptions = new(StringComparer.Ordinal)
    {
        ["awsUsageUsd"] = "--aws-usage-usd", ["fxRate"] = "--fx-rate", ["awsUsageJpy"] = "--aws-usage-jpy", ["baseFee"] = "--base-fee",
        ["unitPrice"] = "--unit-price", ["quantity"] = "--quantity", ["components"] = "--components", ["resourceFee"] = "--resource-fee",
        ["start"] = "--start", ["end"] = "--end", ["month"] = "--month",
    };

    /// <summary>Every figure within its documented bounds (exit 2 naming the option and the field), so that no invoice can overflow.</summary>
    private static void CheckBounds(BillingInput input)
    {
        try
        {
            AmountBounds.Check(input);
        }
        catch (ContractRuleException e) when (FigureOptions.TryGetValue(e.Field, out var option))
        {
            throw new UsageException($"{option} ({e.Field}, or in the --contract/--usage file): {e.Reason}");
        }
    }

    private static string Format(Arguments arguments)
    {
        var json = arguments.Flag("json");
        var format = arguments.Optional("format");
        if (json && format is not null && format != "json")
        {
            throw new UsageException($"--json and --format {format} disagree");
        }

        var chosen = json ? "json" : format ?? "text";
        return chosen is "text" or "json" or "html" or "csv" or "pdf" or "ubl"
            ? chosen
            : throw new UsageException($"--format: '{chosen}' is not text, json, html, csv, pdf or ubl");
    }

    private static BillingInput Input(Arguments a, ContractFile contract, UsageFile usage)
    {
        var product = ProductCode.Parse(a.Optional("product") ?? contract.Product ?? throw new UsageException("--product is required (or \"product\" in --contract)"));
        var start = a.OptionalDate("start") ?? contract.StartDate ?? throw new UsageException("--start is required (or \"startDate\" in --contract)");
        var month = a.OptionalMonth("month") ?? usage.Month ?? throw new UsageException("--month is required (or \"month\" in --usage)");
        var contractId = a.Optional("contract-id") ?? contract.ContractId ?? $"{product.Code}-{start:uuuuMMdd}";
        return new BillingInput
        {
            Product = product,
            ContractId = contractId,
            Start = start,
            End = a.OptionalDate("end") ?? contract.EndDate,
            Month = month,
            // Without --issued the invoice is a quote dated the day a monthly run would issue it (ProductBilling.ScheduledIssueDate).
            IssuedOn = a.OptionalDate("issued"),
            Issuer = HostSettings.Issuer(a.Optional("issuer-name") ?? contract.Issuer?.Name, a.Optional("issuer-registration") ?? contract.Issuer?.RegistrationNumber),
            Recipient = a.Optional("customer") ?? contract.Customer?.Name ?? contractId,
            AwsUsageUsd = a.OptionalDecimal("aws-usage-usd") ?? usage.AwsUsageUsd,
            FxRate = a.OptionalDecimal("fx-rate") ?? usage.FxRate,
            AwsUsageJpy = a.OptionalDecimal("aws-usage-jpy") ?? usage.AwsUsageJpy,
            BaseFee = a.OptionalDecimal("base-fee") ?? contract.BaseFee,
            UnitPrice = a.OptionalDecimal("unit-price") ?? contract.UnitPrice,
            Quantity = a.OptionalDecimal("quantity") ?? usage.Quantity,
            Plan = a.Optional("plan") ?? usage.Plan ?? contract.Plan,
            Components = a.OptionalInteger("components") ?? usage.Components ?? contract.Components,
            Windows = a.Flag("windows") || (contract.Windows ?? false),
            ComponentPricing = ComponentPricingOf(product, a.Optional("component-pricing"), contract.ComponentPricing),
            ResourceFee = a.OptionalDecimal("resource-fee") ?? usage.ResourceFee ?? contract.ResourceFee,
            QualifiedInvoiceRequested = a.Flag("qualified-invoice") || (contract.QualifiedInvoiceRequested ?? false),
            MetricRelaxationComponents = contract.MetricRelaxationComponents ?? 0,
            DueMonthsAfter = contract.DueMonthsAfter,
            PlansDuringMonth = usage.PlansDuringMonth ?? [],
            SetupItems = usage.SetupItems ?? [],
            Outage = usage.Outage,
            NecOutage = usage.NecOutage,
            Termination = usage.Termination,
            RemovalDelay = usage.RemovalDelay,
            AddedComponents = usage.AddedComponents ?? 0,
            DowngradedFrom = usage.DowngradedFrom,
        };
    }

    /// <summary>OPTAGE 別表2: volume unless <c>--component-pricing</c> or the contract file's <c>componentPricing</c> says graduated.</summary>
    private static ComponentPricing ComponentPricingOf(ProductCode product, string? option, string? fromFile)
    {
        var (text, field) = option is not null ? (option, "--component-pricing") : (fromFile, "componentPricing");
        if (text is null)
        {
            return ComponentPricing.Volume;
        }

        if (product != ProductCode.OptageNeutrix && product != ProductCode.OptageStorage)
        {
            throw new UsageException($"{field}: component pricing applies to optage-neutrix and optage-storage only (別表2)");
        }

        return TieredPricing.Parse(field, text);
    }

    private static void WriteText(TextWriter stdout, Invoice invoice, Language language)
    {
        stdout.WriteLine($"{invoice.Number}  {invoice.Product}  {invoice.Month:uuuu-MM}  issued {invoice.IssueDate.Iso()}  due {invoice.DueDate.Iso()} ({invoice.DueDateClause})");
        stdout.WriteLine($"{invoice.Issuer.Name} ({invoice.Issuer.RegistrationNumber}) → {invoice.Recipient}");
        foreach (var line in invoice.Lines)
        {
            stdout.WriteLine($"  {line.Amount,12:N0}  {line.Clause,-22}  {line.Description.In(language)}");
        }

        stdout.WriteLine($"  {invoice.Subtotal,12:N0}  subtotal");
        foreach (var summary in invoice.TaxSummaries)
        {
            stdout.WriteLine($"  {summary.Tax,12:N0}  tax {summary.Rate * 100:0}% on {summary.TaxableAmount:N0} ({invoice.TaxClause})");
        }

        stdout.WriteLine($"  {invoice.Total,12:N0}  total");
    }
}

/// <summary><c>late-interest</c>: interest on an amount paid after its due date, as the product's clause counts it.</summary>
internal sealed class LateInterestCommand : ICommand
{
    public string Name => "late-interest";

    public string Synopsis => "--product CODE --amount YEN --due DATE --paid DATE [--json]";

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var product = arguments.Product();
        var amount = arguments.OptionalDecimal("amount") ?? throw new UsageException("--amount is required");
        var due = arguments.Date("due");
        var paid = arguments.Date("paid");
        var json = arguments.Flag("json");
        arguments.EnsureAllUsed(Name);
        if (decimal.Truncate(amount) != amount)
        {
            throw new UsageException("--amount: whole yen only");
        }

        AmountBounds.YenAmount.Check(amount, "--amount");

        var interest = BillingCatalog.For(product).LateInterest.Compute((long)amount, due, paid);
        Output.Emit(stdout, json, LateInterestJson.From(product, interest),
        [
            $"interest: ¥{interest.Interest:N0} ({interest.Clause}){(interest.Waived ? " — waived" : string.Empty)}",
            $"days: {interest.Days}, rate: {interest.Rate * 100:0.###}% a year",
            .. interest.Explanation.Lines(),
        ]);
    }
}

internal sealed record InvoiceLineJson(string Code, string Description, string DescriptionJa, decimal? Quantity, decimal? UnitPrice, long Amount, decimal TaxRate, string Clause);

internal sealed record TaxSummaryJson(decimal Rate, long TaxableAmount, long Tax);

internal sealed record InvoiceJson(
    string InvoiceNumber, string Product, string ContractId, string Month, LocalDate IssueDate, LocalDate DueDate, string DueDateClause,
    string IssuerName, string IssuerRegistrationNumber, string Recipient, IReadOnlyList<InvoiceLineJson> Lines, long Subtotal,
    decimal? TaxRate, long Tax, string TaxClause, IReadOnlyList<TaxSummaryJson> TaxSummaries, long Total)
{
    public static InvoiceJson From(Invoice i) => new(
        i.Number, i.Product.Code, i.ContractId, $"{i.Month.Year:0000}-{i.Month.Month:00}", i.IssueDate, i.DueDate, i.DueDateClause,
        i.Issuer.Name, i.Issuer.RegistrationNumber, i.Recipient,
        i.Lines.Select(l => new InvoiceLineJson(l.Code, l.Description.En, l.Description.Ja, l.Quantity, l.UnitPrice, l.Amount, l.TaxRate, l.Clause)).ToList(),
        i.Subtotal, i.SingleTaxRate, i.Tax, i.TaxClause, i.TaxSummaries.Select(t => new TaxSummaryJson(t.Rate, t.TaxableAmount, t.Tax)).ToList(), i.Total);
}

internal sealed record LateInterestJson(string Product, long Amount, LocalDate DueDate, LocalDate PaidOn, int Days, decimal Rate, long Interest, bool Waived, string Clause, string Explanation, string ExplanationJa)
{
    public static LateInterestJson From(ProductCode product, LateInterest i) => new(product.Code, i.Amount, i.DueDate, i.PaidOn, i.Days, i.Rate, i.Interest, i.Waived, i.Clause, i.Explanation.En, i.Explanation.Ja);
}
