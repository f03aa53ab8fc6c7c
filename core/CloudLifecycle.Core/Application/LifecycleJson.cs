using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CloudLifecycle.Core.Contracts;
using NodaTime;
using NodaTime.Text;

namespace CloudLifecycle.Core.Application;

/// <summary>
/// The one JSON shape of states, triggers, commands, invoices and notices: camelCase, ISO dates
/// (<c>yyyy-MM-dd</c>), months (<c>yyyy-MM</c>), instants (UTC), product codes and enums as strings.
/// Stores, the Durable adapter and the CRM API all use it, so a state written by one host reads in the other.
/// </summary>
public static class LifecycleJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"empty JSON for {typeof(T).Name}");

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new PatternConverter<LocalDate>(LocalDatePattern.Iso));
        options.Converters.Add(new PatternConverter<YearMonth>(YearMonthPattern.Iso));
        options.Converters.Add(new PatternConverter<Instant>(InstantPattern.ExtendedIso));
        options.Converters.Add(new ProductCodeConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class PatternConverter<T>(IPattern<T> pattern) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString() ?? throw new JsonException($"expected a {typeof(T).Name} string");
            var result = pattern.Parse(text);
            return result.Success ? result.Value : throw new JsonException($"'{text}' is not a valid {typeof(T).Name}");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(pattern.Format(value));
    }

    private sealed class ProductCodeConverter : JsonConverter<ProductCode>
    {
        public override ProductCode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            try
            {
                return ProductCode.Parse(reader.GetString());
            }
            catch (ContractRuleException e)
            {
                throw new JsonException(e.Message, e);
            }
        }

        public override void Write(Utf8JsonWriter writer, ProductCode value, JsonSerializerOptions options) => writer.WriteStringValue(value.Code);
    }

    /// <summary>ISO date text for messages and keys.</summary>
    public static string Iso(LocalDate date) => date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A kind's name as the JSON answers, webhooks and timeline write it: <c>CancellationReceived</c> → <c>cancellationReceived</c>.</summary>
    public static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
