using System.Text.Json;
using System.Text.Json.Serialization;
using CloudLifecycle.Core.Billing;
using NodaTime;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// <c>--contract contract.json</c>: the contract's standing data. Unknown fields and wrong types are
/// refused, so a misspelt field never passes silently.
/// </summary>
internal sealed record ContractFile
{
    public string? ContractId { get; init; }

    public string? Product { get; init; }

    public LocalDate? StartDate { get; init; }

    public LocalDate? EndDate { get; init; }

    public CustomerFile? Customer { get; init; }

    public IssuerFile? Issuer { get; init; }

    public string? Plan { get; init; }

    public int? Components { get; init; }

    public bool? Windows { get; init; }

    public decimal? BaseFee { get; init; }

    public decimal? UnitPrice { get; init; }

    public decimal? ResourceFee { get; init; }

    public int? MetricRelaxationComponents { get; init; }

    /// <summary>OPTAGE 別表2: "volume" (default) or "graduated".</summary>
    public string? ComponentPricing { get; init; }

    public bool? QualifiedInvoiceRequested { get; init; }

    public int? DueMonthsAfter { get; init; }
}

internal sealed record CustomerFile(string? Name, string? Email, string? Language);

internal sealed record IssuerFile(string? Name, string? RegistrationNumber);

/// <summary><c>--usage usage.json</c>: what happened in the month.</summary>
internal sealed record UsageFile
{
    public YearMonth? Month { get; init; }

    public decimal? AwsUsageUsd { get; init; }

    public decimal? FxRate { get; init; }

    public decimal? AwsUsageJpy { get; init; }

    public decimal? Quantity { get; init; }

    public string? Plan { get; init; }

    public int? Components { get; init; }

    public IReadOnlyList<string>? PlansDuringMonth { get; init; }

    public IReadOnlyList<SetupItem>? SetupItems { get; init; }

    public ServiceOutage? Outage { get; init; }

    public NecOutage? NecOutage { get; init; }

    public NecTermination? Termination { get; init; }

    public RemovalDelay? RemovalDelay { get; init; }

    public int? AddedComponents { get; init; }

    public PlanSelection? DowngradedFrom { get; init; }

    public decimal? ResourceFee { get; init; }
}

internal static class InvoiceFiles
{
    private static readonly JsonSerializerOptions Options = new(Output.Json)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        AllowTrailingCommas = false,
    };

    static InvoiceFiles() => Options.Converters.Add(new IsoYearMonthConverter());

    public static T? Read<T>(string? path, string option)
        where T : class
    {
        if (path is null)
        {
            return null;
        }

        if (!File.Exists(path))
        {
            throw new UsageException($"--{option}: no file '{path}'");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options)
                ?? throw new UsageException($"--{option}: '{path}' holds no JSON object");
        }
        catch (JsonException e)
        {
            throw new UsageException($"--{option}: '{path}': {e.Message}");
        }
    }

    private sealed class IsoYearMonthConverter : JsonConverter<YearMonth>
    {
        public override YearMonth Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var result = NodaTime.Text.YearMonthPattern.Iso.Parse(reader.GetString() ?? string.Empty);
            return result.Success ? result.Value : throw new JsonException($"'{reader.GetString()}' is not a month (yyyy-MM)");
        }

        public override void Write(Utf8JsonWriter writer, YearMonth value, JsonSerializerOptions options) =>
            writer.WriteStringValue(NodaTime.Text.YearMonthPattern.Iso.Format(value));
    }
}
