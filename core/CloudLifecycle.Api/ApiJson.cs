using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Contracts;

namespace CloudLifecycle.Api;

/// <summary>
/// JSON of the CRM API. Responses use the system's one JSON shape (<see cref="LifecycleJson"/>);
/// requests are read strictly: exact camelCase names, no unknown or duplicate members, no null for a
/// required member, numbers as numbers (money also as decimal strings), enums by name only.
/// </summary>
public static partial class ApiJson
{
    /// <summary>The system's JSON shape, with Japanese written as UTF-8 rather than \u escapes.</summary>
    public static JsonSerializerOptions Responses { get; } = CreateResponseOptions();

    public static JsonSerializerOptions Requests { get; } = CreateRequestOptions();

    /// <summary>Reads a request body, or throws <see cref="ApiException"/> (400) naming the member and the reason.</summary>
    public static T Read<T>(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            throw ApiException.BadRequest("body", "a JSON object is required", "invalid-body");
        }

        EnsureWellFormed(body);
        try
        {
            return JsonSerializer.Deserialize<T>(body, Requests) ?? throw ApiException.BadRequest("body", "a JSON object is required, not null", "invalid-body");
        }
        catch (JsonException e)
        {
            var (field, reason) = Explain(e);
            throw ApiException.BadRequest(field, reason, "invalid-body");
        }
    }

    /// <summary>
    /// Malformed JSON is the body's fault, not a member's: it is refused naming <c>body</c> and where the text breaks,
    /// before any member is read (the deserializer would name the member it was reading and quote its parser).
    /// </summary>
    private static void EnsureWellFormed(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = Requests.MaxDepth == 0 ? 64 : Requests.MaxDepth });
        try
        {
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest("body", $"is not well-formed JSON (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1})", "invalid-body");
        }
    }

    /// <summary>The member a <see cref="JsonException"/> is about, and a reason a CRM developer can act on.</summary>
    public static (string Field, string Reason) Explain(JsonException e)
    {
        var field = Field(e.Path);
        if (e.InnerException is ContractRuleException rule)
        {
            // A converter's refusal (an unknown product) already names its field: its reason alone, not "product: product: …".
            return (field, rule.Reason);
        }

        var message = PathSuffix().Replace(e.Message, string.Empty).Trim();
        if (NotAValid().Match(message) is { Success: true } invalid)
        {
            return (field, $"{invalid.Groups[1].Value} is not {Describe(invalid.Groups[2].Value)}");
        }

        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            var names = Quoted().Matches(missing.Groups[1].Value).Select(m => m.Groups[1].Value).ToList();
            return (string.Join(", ", names.Select(n => field == "body" ? n : $"{field}.{n}")), names.Count == 1 ? "is required" : "are required");
        }

        if (message.StartsWith("The JSON property", StringComparison.Ordinal) && message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return (field, "is not a member of this request");
        }

        if (message.StartsWith("Duplicate property", StringComparison.Ordinal))
        {
            return (field, "appears twice");
        }

        if (message.Contains("doesn't allow setting null values", StringComparison.Ordinal))
        {
            return (field, "may not be null");
        }

        if (ConvertTo().Match(message) is { Success: true } convert)
        {
            return (field, $"expected {Describe(convert.Groups[1].Value)}");
        }

        if (e.InnerException is null && e.Path is null)
        {
            return ("body", $"is not well-formed JSON ({message})");
        }

        return (field, message);
    }

    private static string Field(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string Describe(string dotnetType) => dotnetType
        .Replace("System.Nullable`1[", string.Empty, StringComparison.Ordinal)
        .TrimEnd(']') switch
    {
        "System.String" => "a string",
        "System.Int32" or "System.Int64" => "an integer",
        "System.Decimal" => "a number (or a decimal string)",
        "System.Boolean" => "true or false",
        "NodaTime.LocalDate" or "LocalDate" => "a date (yyyy-MM-dd)",
        "NodaTime.YearMonth" or "YearMonth" => "a month (yyyy-MM)",
        "NodaTime.Instant" or "Instant" => "an instant (yyyy-MM-ddTHH:mm:ssZ)",
        "CloudLifecycle.Core.Contracts.Language" => "\"ja\" or \"en\"",
        var other when other.StartsWith("System.Collections", StringComparison.Ordinal) => "an array",
        _ => "a JSON object",
    };

    private static JsonSerializerOptions CreateResponseOptions()
    {
        // Strict: the web defaults' AllowReadingFromString changes nothing the API writes (numbers are always written as
        // numbers), but the schema exporter documents what the options would read, so every integer of every answer was
        // typed "string or integer" and a generated client wrapped each in a union (issue 16, found by Kiota).
        var options = new JsonSerializerOptions(LifecycleJson.Options) { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All), NumberHandling = JsonNumberHandling.Strict };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static JsonSerializerOptions CreateRequestOptions()
    {
        var options = new JsonSerializerOptions(LifecycleJson.Options)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            AllowDuplicateProperties = false,
            NumberHandling = JsonNumberHandling.Strict,
            PropertyNameCaseInsensitive = false,
        };
        // Enums by name only: "ja", never 0.
        var lenient = options.Converters.OfType<JsonStringEnumConverter>().ToList();
        foreach (var converter in lenient)
        {
            options.Converters.Remove(converter);
        }

        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    [GeneratedRegex(@"\s*Path: \S* \| LineNumber: \d+ \| BytePositionInLine: \d+\.?$")]
    private static partial Regex PathSuffix();

    [GeneratedRegex("missing required properties including: (.*)$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"^('.*') is not a valid (\w+)$")]
    private static partial Regex NotAValid();

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"could not be converted to ([\w.`\[\]]+)")]
    private static partial Regex ConvertTo();
}
