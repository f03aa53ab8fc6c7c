using CloudLifecycle.Core.Contracts;
using NodaTime;
using NodaTime.Text;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// Parsed command-line arguments: the command words (<c>quote cancellation</c>), then options
/// as <c>--name value</c> or <c>--name=value</c>, and flags such as <c>--json</c>. Each command
/// states which options it accepts; anything else is refused with the option's name.
/// </summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _flags;
    private readonly HashSet<string> _read = [];

    private Arguments(IReadOnlyList<string> words, Dictionary<string, string> values, HashSet<string> flags)
    {
        Words = words;
        _values = values;
        _flags = flags;
    }

    public IReadOnlyList<string> Words { get; }

    /// <summary>Splits <paramref name="args"/>; <paramref name="flagNames"/> are the options that take no value.</summary>
    public static Arguments Parse(IReadOnlyList<string> args, IReadOnlySet<string> flagNames)
    {
        var words = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (values.Count > 0 || flags.Count > 0)
                {
                    throw new UsageException($"unexpected argument '{arg}' after the options");
                }

                words.Add(arg);
                continue;
            }

            var name = arg[2..];
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (name.Length == 0)
            {
                throw new UsageException("an option name is missing after '--'");
            }

            if (values.ContainsKey(name) || flags.Contains(name))
            {
                throw new UsageException($"--{name} is given more than once");
            }

            if (flagNames.Contains(name))
            {
                if (value is not null)
                {
                    throw new UsageException($"--{name} takes no value");
                }

                flags.Add(name);
                continue;
            }

            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"--{name} needs a value");
                }

                value = args[++i];
            }

            values[name] = value;
        }

        return new Arguments(words, values, flags);
    }

    public bool Flag(string name)
    {
        _read.Add(name);
        return _flags.Contains(name);
    }

    public string? Optional(string name)
    {
        _read.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public string Required(string name) =>
        Optional(name) ?? throw new UsageException($"--{name} is required");

    public LocalDate Date(string name) => ParseDate(name, Required(name));

    public LocalDate? OptionalDate(string name) => Optional(name) is { } text ? ParseDate(name, text) : null;

    public int Integer(string name)
    {
        var text = Required(name);
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"--{name}: '{text}' is not a whole number");
    }

    public decimal? OptionalDecimal(string name)
    {
        var text = Optional(name);
        if (text is null)
        {
            return null;
        }

        if (decimal.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        // Digits too many for any decimal (29 and more) are a number out of bounds, not a malformed one.
        var largest = AmountBounds.All.Max(b => b.Bound.Maximum);
        throw new UsageException(text.Length > 0 && text.All(c => char.IsAsciiDigit(c) || c == '.') && text.Count(c => c == '.') <= 1 && text.Any(char.IsAsciiDigit)
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--{name}: '{text}' is out of bounds: no figure may be more than {largest:#,0} (the bounds of each: README, \"Amount bounds\")")
            : $"--{name}: '{text}' is not a non-negative number (digits and an optional decimal point)");
    }

    public int? OptionalInteger(string name) => Optional(name) is null ? null : Integer(name);

    public YearMonth? OptionalMonth(string name)
    {
        var text = Optional(name);
        if (text is null)
        {
            return null;
        }

        var result = YearMonthPattern.Iso.Parse(text);
        return result.Success ? result.Value : throw new UsageException($"--{name}: '{text}' is not a valid month (yyyy-MM)");
    }

    public ProductCode Product() => ProductCode.Parse(Required("product"));

    /// <summary>Refuses any option the command did not read, so a typo never passes silently.</summary>
    public void EnsureAllUsed(string command)
    {
        var unknown = _values.Keys.Concat(_flags).Where(name => !_read.Contains(name)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"{command} does not take {string.Join(", ", unknown.Select(n => "--" + n))}");
        }
    }

    private static LocalDate ParseDate(string name, string text)
    {
        var result = LocalDatePattern.Iso.Parse(text);
        return result.Success
            ? result.Value
            : throw new UsageException($"--{name}: '{text}' is not a valid date (yyyy-MM-dd)");
    }
}
