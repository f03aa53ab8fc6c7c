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

    private static (string? Name, string? RegistrationNumber) FileIssuer()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (!File.Exists(path))
        {
            return (null, null);
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.TryGetProperty("CloudLifecycle", out var root) && root.TryGetProperty("Issuer", out var issuer)
            ? (issuer.TryGetProperty("Name", out var n) ? n.GetString() : null, issuer.TryGetProperty("RegistrationNumber", out var r) ? r.GetString() : null)
            : (null, null);
    }
}
