using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;

namespace CloudLifecycle.Host.Cli;

/// <summary><c>quote cancellation</c>: the effective date, deadline and remaining months of a cancellation notice.</summary>
internal sealed class QuoteCancellationCommand : ICommand
{
    public string Name => "quote cancellation";

    public string Synopsis => "--product CODE --start DATE [--end DATE] --notice DATE --requested DATE [--json]";

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var product = arguments.Product();
        var contract = new ContractDates(arguments.Date("start"), arguments.OptionalDate("end"));
        var notice = arguments.Date("notice");
        var requested = arguments.Date("requested");
        var json = arguments.Flag("json");
        arguments.EnsureAllUsed(Name);

        var quote = ProductCatalog.For(product).QuoteCancellation(contract, notice, requested);
        Output.Emit(stdout, json, CancellationJson.From(quote),
        [
            $"effective date:   {quote.EffectiveDate.Iso()} ({quote.Clause})",
            $"notice deadline:  {quote.NoticeDeadline?.Iso() ?? "none (no notice period)"}{(quote.NoticeOnTime ? string.Empty : " — missed")}",
            $"remaining months: {quote.RemainingMonths}{(quote.RemainingMonthsClause is { } c ? $" ({c})" : string.Empty)}",
            .. quote.Explanation.Lines(),
        ]);
    }
}

/// <summary><c>quote extension</c>: the last day to ask for an extension of the usage period.</summary>
internal sealed class QuoteExtensionCommand : ICommand
{
    public string Name => "quote extension";

    public string Synopsis => "--product CODE --start DATE --end DATE [--json]";

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var product = arguments.Product();
        var contract = new ContractDates(arguments.Date("start"), arguments.OptionalDate("end"));
        var json = arguments.Flag("json");
        arguments.EnsureAllUsed(Name);

        var quote = ProductCatalog.For(product).QuoteExtension(contract);
        Output.Emit(stdout, json, ExtensionJson.From(quote),
            [$"extension deadline: {quote.Deadline.Iso()} ({quote.Clause})", .. quote.Explanation.Lines()]);
    }
}

/// <summary><c>quote removal</c>: the equipment removal window and the day its date must be agreed.</summary>
internal sealed class QuoteRemovalCommand : ICommand
{
    public string Name => "quote removal";

    public string Synopsis => "--product CODE --start DATE --end DATE [--removal-date DATE] [--json]";

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var product = arguments.Product();
        var contract = new ContractDates(arguments.Date("start"), arguments.OptionalDate("end"), arguments.OptionalDate("removal-date"));
        var json = arguments.Flag("json");
        arguments.EnsureAllUsed(Name);

        var quote = ProductCatalog.For(product).QuoteRemoval(contract);
        Output.Emit(stdout, json, RemovalJson.From(quote),
        [
            $"removal deadline:    {quote.RemovalDeadline.Iso()} ({quote.Clause})",
            $"removal date:        {quote.RemovalDate.Iso()} ({(quote.RemovalDateAgreed ? "agreed" : "latest business day possible")})",
            $"scheduling deadline: {quote.SchedulingDeadline.Iso()}",
            $"confidentiality end: {quote.ConfidentialityEnd.Iso()}",
            .. quote.Explanation.Lines(),
        ]);
    }
}

/// <summary>
/// <c>quote deadline</c>: a date that one event sets by a clause (cure periods, provider notices…).
/// <c>--from</c> is the event (a notice: the earliest end it allows); <c>--end</c> alone reads the rule
/// backwards (the last notice day for that end); both check a provider's stated end against the rule.
/// </summary>
internal sealed class QuoteDeadlineCommand : ICommand
{
    public string Name => "quote deadline";

    public string Synopsis => "--product CODE --rule RULE (--from DATE | --end DATE | --from DATE --end DATE) [--json]   (rules: " +
        string.Join("; ", ProductCode.All.Select(p => $"{p.Code}: {RuleNames(p)}")) + ")";

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var product = arguments.Product();
        var rule = arguments.Required("rule");
        var from = arguments.OptionalDate("from");
        var end = arguments.OptionalDate("end");
        var json = arguments.Flag("json");
        arguments.EnsureAllUsed(Name);

        var terms = ProductCatalog.For(product);
        switch (from, end)
        {
            case ({ } notice, { } stated):
                var checkedEnd = terms.ValidateProviderEnd(rule, notice, stated);
                Output.Emit(stdout, json, ProviderEndJson.Of(checkedEnd),
                [
                    $"{checkedEnd.Rule}: ends {checkedEnd.End.Iso()} ({checkedEnd.Clause}); earliest end after the notice {checkedEnd.EarliestEnd.Iso()}",
                    .. checkedEnd.Explanation.Lines(),
                ]);
                break;
            case (null, { } target):
                Emit(stdout, json, terms.QuoteNoticeDeadline(rule, target));
                break;
            case ({ } eventDate, null):
                Emit(stdout, json, terms.QuoteDeadline(rule, eventDate));
                break;
            default:
                throw new UsageException("--from or --end is required (--from: the event, e.g. the notice; --end: the date it leads to)");
        }
    }

    private static void Emit(TextWriter stdout, bool json, DeadlineQuote quote) =>
        Output.Emit(stdout, json, DeadlineJson.Of(quote),
        [
            $"{quote.Rule}: {quote.Date.Iso()} ({quote.Clause}) — {quote.DateMeaning}",
            .. quote.PeriodLastDay is { } last ? [$"last day of the period: {last.Iso()}"] : Array.Empty<string>(),
            .. quote.Explanation.Lines(),
        ]);

    private static string RuleNames(ProductCode product)
    {
        var rules = ProductCatalog.For(product).DeadlineRules;
        return rules.Count == 0 ? "none" : string.Join(", ", rules.Select(r => r.Name));
    }
}
