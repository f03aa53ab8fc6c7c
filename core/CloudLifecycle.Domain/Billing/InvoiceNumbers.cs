using System.Globalization;
using NodaTime;

namespace CloudLifecycle.Core.Billing;

/// <summary>
/// What an invoice number names: <c>INV-{contract}-{yyyyMM}</c> for the month's invoice, followed by
/// <c>-{letter}{n}</c> for a document issued beside it (<c>-P1</c> termination charges, <c>-L1</c> late
/// interest, <c>-C1</c> a payout). One reading for the API's path check and the stores' keys.
/// </summary>
public static class InvoiceNumbers
{
    public const string Prefix = "INV-";

    /// <summary>The parts of <paramref name="number"/>, or null when it is not an invoice number.</summary>
    public static (string ContractId, YearMonth Month, string? Suffix)? Parse(string number)
    {
        if (!number.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = number[Prefix.Length..];
        string? suffix = null;
        var lastDash = rest.LastIndexOf('-');
        if (lastDash > 0 && IsSuffix(rest[(lastDash + 1)..]))
        {
            suffix = rest[(lastDash + 1)..];
            rest = rest[..lastDash];
        }

        // {contract}-{yyyyMM}: the month is the last seven characters.
        if (rest.Length < 8 || rest[^7] != '-' || !rest[^6..].All(char.IsAsciiDigit)
            || !int.TryParse(rest[^6..^2], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(rest[^2..], NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || year < 1 || month is < 1 or > 12)
        {
            return null;
        }

        return (rest[..^7], new YearMonth(year, month), suffix);
    }

    private static bool IsSuffix(string text) =>
        text.Length is >= 2 and <= 6 && char.IsAsciiLetterUpper(text[0]) && text[1..].All(char.IsAsciiDigit);
}
