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

    private static readonly IReadOnlySet<string> FlagNames = new HashSet<string>(StringComparer.Ordinal) { "json", "help", "windows", "qualified-invoice" };

    private static readonly IReadOnlyList<ICommand> Commands =
    [
        new HolidaysCommand(),
        new PlanCommand(),
        new QuoteCancellationCommand(),
        new QuoteExtensionCommand(),
        new QuoteRemovalCommand(),
        new QuoteDeadlineCommand(),
        new InvoiceCommand(),
        new LateInterestCommand(),
    ];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var arguments = Arguments.Parse(args, FlagNames);
            var words = arguments.Words;
            if (words.Count == 0 && !arguments.Flag("help"))
            {
                stderr.Write(Usage());
                return InvalidInput;
            }

            if (words.Count == 0 || words[0] == "help")
            {
                stdout.Write(Usage());
                return Success;
            }

            var name = string.Join(' ', words);
            var command = Commands.FirstOrDefault(c => c.Name == name)
                ?? throw new UsageException($"unknown command '{name}'; commands: {string.Join(", ", Commands.Select(c => c.Name))}");
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
            return Failure;
        }
#pragma warning restore CA1031
    }

    public static string Usage()
    {
        var lines = Commands.Select(c => $"  {c.Name} {c.Synopsis}");
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

    void Run(Arguments arguments, TextWriter stdout);
}
