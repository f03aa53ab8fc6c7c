using System.Text.Json;
using CloudLifecycle.Core.Billing;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// Settings of the local host: <c>appsettings.json</c> beside the program, overridden by
/// environment variables named as ASP.NET Core names them (<c>CloudLifecycle__Issuer__Name</c>).
/// The shipped file holds a sample issuer only; a real one comes from the environment.
/// </summary>
internal static class HostSettings
{
    public const string IssuerNameVariable = "CloudLifecycle__Issuer__Name";
    public const string IssuerRegistrationVariable = "CloudLifecycle__Issuer__RegistrationNumber";

    public static Issuer Issuer(string? nameOverride, string? registrationOverride)
    {
        var file = FileIssuer();
        var name = nameOverride ?? Environment.GetEnvironmentVariable(IssuerNameVariable) ?? file.Name;
        var registration = registrationOverride ?? Environment.GetEnvironmentVariable(IssuerRegistrationVariable) ?? file.RegistrationNumber;
        if (name is null || registration is null)
        {
            throw new UsageException($"no invoice issuer configured: set {IssuerNameVariable} and {IssuerRegistrationVariable}, or --issuer-name and --issuer-registration");
        }

        return new Issuer(name, registration);
    }

    /// <summary>
    /// A setting by its path under <c>CloudLifecycle</c> (<c>Storage:ConnectionString</c>): the
    /// environment variable <c>CloudLifecycle__Storage__ConnectionString</c> first, then appsettings.json.
    /// </summary>
    public static string? Get(string path)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CloudLifecycle__" + path.Replace(":", "__", StringComparison.Ordinal));
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        var file = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (!File.Exists(file))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(file));
        var element = document.RootElement;
        foreach (var part in ("CloudLifecycle:" + path).Split(':'))
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(part, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText();
    }

    /// <summary>
    /// A list setting (<c>ApiKeys</c>): the environment variables <c>CloudLifecycle__ApiKeys__0</c>,
    /// <c>__1</c>… in order, else the array in appsettings.json. Empty entries are skipped.
    /// </summary>
    public static IReadOnlyList<string> List(string path)
    {
        var prefix = "CloudLifecycle__" + path.Replace(":", "__", StringComparison.Ordinal) + "__";
        var fromEnvironment = new List<string>();
        for (var i = 0; Environment.GetEnvironmentVariable(prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)) is { } value; i++)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                fromEnvironment.Add(value.Trim());
            }
        }

        if (fromEnvironment.Count > 0 || Get(path) is not { } json || !json.StartsWith('['))
        {
            return fromEnvironment;
        }

        return JsonSerializer.Deserialize<string[]>(json)!.Where(v => !string.IsNullOrWhiteSpace(v)).ToList();
    }

    private static (string? Name, string? RegistrationNumber) FileIssuer() => (Get("Issuer:Name"), Get("Issuer:RegistrationNumber"));
}
