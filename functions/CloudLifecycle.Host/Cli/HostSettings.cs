using System.Text.RegularExpressions;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Hosting;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// Settings of the local host, read as both hosts read them (<see cref="LifecycleSettings"/>):
/// <c>appsettings.json</c> beside the program, overridden by environment variables named as ASP.NET
/// Core names them (<c>CloudLifecycle__Issuer__Name</c>). The shipped file holds a sample issuer only;
/// a real one comes from the environment. A bad value is a usage error (exit 2) naming its variable.
/// </summary>
internal static partial class HostSettings
{
    public const string IssuerNameVariable = "CloudLifecycle__Issuer__Name";
    public const string IssuerRegistrationVariable = "CloudLifecycle__Issuer__RegistrationNumber";

    /// <summary>Everything under <c>CloudLifecycle</c>, checked by <see cref="LifecycleSettings.From"/>.</summary>
    public static LifecycleSettings Settings()
    {
        try
        {
            return LifecycleSettings.From(LifecycleSettings.LocalConfiguration());
        }
        catch (InvalidOperationException e)
        {
            // LifecycleSettings names a setting by its configuration path (CloudLifecycle:ApiKeys:1); an operator
            // sets it as an environment variable, so the message names that (CloudLifecycle__ApiKeys__1).
            throw new UsageException(SettingPath().Replace(e.Message, m => m.Value.Replace(":", "__", StringComparison.Ordinal)));
        }
    }

    public static Issuer Issuer(string? nameOverride, string? registrationOverride)
    {
        var configured = nameOverride is not null && registrationOverride is not null ? null : Settings().Issuer;
        var name = nameOverride ?? configured?.Name;
        var registration = registrationOverride ?? configured?.RegistrationNumber;
        if (name is null || registration is null)
        {
            throw new UsageException($"no invoice issuer configured: set {IssuerNameVariable} and {IssuerRegistrationVariable}, or --issuer-name and --issuer-registration");
        }

        // The transfer account (振込先) comes from the settings only (Issuer:Transfer:…), with the configured issuer.
        return new Issuer(name, registration) { Transfer = configured?.Transfer };
    }

    [GeneratedRegex(@"CloudLifecycle(?::[A-Za-z0-9]+)+")]
    private static partial Regex SettingPath();
}
