using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using CloudLifecycle.Core.Contracts;
using NodaTime;
using NodaTime.Text;

namespace CloudLifecycle.Host.Cli;

/// <summary>The JSON the command line prints: camelCase fields, ISO dates, Japanese unescaped.</summary>
internal static class Output
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new IsoLocalDateConverter(), new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void WriteJson<T>(TextWriter writer, T value) =>
        writer.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>Prints <paramref name="document"/> as JSON with <c>--json</c>, otherwise the text lines.</summary>
    public static void Emit<T>(TextWriter writer, bool json, T document, params IEnumerable<string> textLines)
    {
        if (json)
        {
            WriteJson(writer, document);
            return;
        }

        foreach (var line in textLines)
        {
            writer.WriteLine(line);
        }
    }

    /// <summary>The explanation lines of a quote: English, then Japanese.</summary>
    public static IEnumerable<string> Lines(this Text explanation) => [explanation.En, explanation.Ja];

    public static string Iso(this LocalDate date) => LocalDatePattern.Iso.Format(date);

    public static string Camel(this MilestoneKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    /// <summary>Writes <see cref="LocalDate"/> as <c>yyyy-MM-dd</c>.</summary>
    private sealed class IsoLocalDateConverter : JsonConverter<LocalDate>
    {
        public override LocalDate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var result = LocalDatePattern.Iso.Parse(reader.GetString() ?? string.Empty);
            return result.Success ? result.Value : throw new JsonException($"'{reader.GetString()}' is not a valid date (yyyy-MM-dd)");
        }

        public override void Write(Utf8JsonWriter writer, LocalDate value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Iso());
    }
}

internal sealed record HolidayJson(LocalDate Date, string Name);

internal sealed record MilestoneJson(LocalDate Date, MilestoneKind Kind, string Clause, string Description, string DescriptionJa)
{
    public static MilestoneJson From(Milestone m) => new(m.Date, m.Kind, m.Clause, m.Description.En, m.Description.Ja);
}

internal sealed record PlanJson(string Product, LocalDate Start, LocalDate? End, LocalDate Through, IReadOnlyList<MilestoneJson> Milestones)
{
    public static PlanJson From(LifecyclePlan plan) => new(plan.Product.Code, plan.Contract.Start, plan.Contract.End,
        plan.Through, plan.Milestones.Select(MilestoneJson.From).ToList());
}

internal sealed record CancellationJson(
    string Product, LocalDate NoticeDate, LocalDate RequestedDate, LocalDate EffectiveDate, LocalDate? NoticeDeadline,
    bool NoticeOnTime, string Clause, int RemainingMonths, string? RemainingMonthsClause, string Explanation, string ExplanationJa)
{
    public static CancellationJson From(CancellationQuote q) => new(q.Product.Code, q.NoticeDate, q.RequestedDate, q.EffectiveDate,
        q.NoticeDeadline, q.NoticeOnTime, q.Clause, q.RemainingMonths, q.RemainingMonthsClause, q.Explanation.En, q.Explanation.Ja);
}

internal sealed record ExtensionJson(string Product, LocalDate UsagePeriodEnd, LocalDate Deadline, string Clause, string Explanation, string ExplanationJa)
{
    public static ExtensionJson From(ExtensionQuote q) => new(q.Product.Code, q.UsagePeriodEnd, q.Deadline, q.Clause, q.Explanation.En, q.Explanation.Ja);
}

internal sealed record RemovalJson(
    string Product, LocalDate UsagePeriodEnd, LocalDate RemovalDeadline, LocalDate RemovalDate, bool RemovalDateAgreed,
    LocalDate SchedulingDeadline, LocalDate ConfidentialityEnd, string Clause, string Explanation, string ExplanationJa)
{
    public static RemovalJson From(RemovalQuote q) => new(q.Product.Code, q.UsagePeriodEnd, q.RemovalDeadline, q.RemovalDate,
        q.RemovalDateAgreed, q.SchedulingDeadline, q.ConfidentialityEnd, q.Clause, q.Explanation.En, q.Explanation.Ja);
}

internal sealed record DeadlineJson(
    string Product, string Rule, LocalDate From, string FromMeaning, LocalDate Date, string DateMeaning, LocalDate? PeriodLastDay,
    string Clause, string Explanation, string ExplanationJa)
{
    public static DeadlineJson Of(DeadlineQuote q) => new(q.Product.Code, q.Rule, q.From, q.FromMeaning, q.Date, q.DateMeaning, q.PeriodLastDay,
        q.Clause, q.Explanation.En, q.Explanation.Ja);
}

internal sealed record ProviderEndJson(
    string Product, string Rule, LocalDate NoticeDate, LocalDate EarliestEnd, LocalDate EndDate, string Clause, string Explanation, string ExplanationJa)
{
    public static ProviderEndJson Of(ProviderEndQuote q) => new(q.Product.Code, q.Rule, q.NoticeDate, q.EarliestEnd, q.End, q.Clause, q.Explanation.En, q.Explanation.Ja);
}
