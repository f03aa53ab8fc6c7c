using CloudLifecycle.Core.Contracts;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// The command line other tools call: each command prints text, or one JSON document with
/// <c>--json</c>. Exit codes: 0 done, 2 input refused (message on stderr), 1 unexpected failure.
/// </summary>
internal static class CommandLineApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int InvalidInput = 2;

    private static readonly IReadOnlySet<string> FlagNames = new HashSet<string>(StringComparer.Ordinal) { "json", "help", "windows", "qualified-invoice", "once", "embedded", "demo", "cancel-in-full", "only" };

    private static IReadOnlyList<ICommand> Commands(TextWriter stderr) =>
    [
        new HolidaysCommand(),
        new PlanCommand(),
        new QuoteCancellationCommand(),
        new QuoteExtensionCommand(),
        new QuoteRemovalCommand(),
        new QuoteDeadlineCommand(),
        new InvoiceCommand(),
        new LateInterestCommand(),
        new ExportJournalCommand(),
        new DemoCommand(stderr),
        new RunMonthCommand(),
        new CorrectInvoiceCommand(),
        new ServeCommand(stderr),
        new BenchMonthCommand(stderr),
        new BenchWakeCommand(stderr),
        new BenchHttpCommand(stderr),
        new OpenApiCommand(),
    ];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var arguments = Arguments.Parse(args, FlagNames);
            var words = arguments.Words;
            var commands = Commands(stderr);
            if (words.Count == 0 && !arguments.Flag("help"))
            {
                stderr.Write(Usage(commands));
                return InvalidInput;
            }

            if (words.Count == 0 || words[0] == "help")
            {
                stdout.Write(Usage(commands));
                return Success;
            }

            var name = string.Join(' ', words);
            var command = commands
                .Where(c => name == c.Name || name.StartsWith(c.Name + " ", StringComparison.Ordinal))
                .MaxBy(c => c.Name.Length)
                ?? throw new UsageException($"unknown command '{name}'; commands: {string.Join(", ", commands.Select(c => c.Name))}");
            var positionals = words.Count - command.Name.Split(' ').Length;
            if (positionals > command.Positionals)
            {
                throw new UsageException(command.Positionals == 0
                    ? $"unknown command '{name}'; commands: {string.Join(", ", commands.Select(c => c.Name))}"
                    : $"{command.Name} takes {command.Positionals} argument(s): {command.Synopsis}");
            }

            if (arguments.Flag("help"))
            {
                stdout.WriteLine($"usage: cloudlifecycle {command.Name} {command.Synopsis}");
                return Success;
            }

            command.Run(arguments, stdout);
            return Success;
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return InvalidInput;
        }
        catch (ContractRuleException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return InvalidInput;
        }
#pragma warning disable CA1031 // the last line of defence: report, exit 1, never a stack trace for the caller to parse
        catch (Exception e)
        {
            stderr.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("CLOUDLIFECYCLE_TRACE") == "1")
            {
                stderr.WriteLine(e);
            }

            return Failure;
        }
#pragma warning restore CA1031
    }

    public static string Usage(IReadOnlyList<ICommand> commands)
    {
        var lines = commands.Select(c => $"  {c.Name} {c.Synopsis}");
        return "usage: cloudlifecycle <command> [options] [--json]\n\ncommands:\n" + string.Join('\n', lines) +
            "\n\nproducts: " + string.Join(", ", ProductCode.All.Select(p => p.Code)) +
            "\ndates are yyyy-MM-dd; --json prints one JSON document; invalid input exits with code 2.\n";
    }
}

/// <summary>One command of the command line.</summary>
internal interface ICommand
{
    string Name { get; }

    string Synopsis { get; }

    /// <summary>How many words may follow the command's name (<c>run-month 2026-10</c>).</summary>
    int Positionals => 0;

    void Run(Arguments arguments, TextWriter stdout);
}
