using CloudLifecycle.Adapters.Pdf;
using System.Globalization;
using Azure.Core;
using Azure.Identity;
using CloudLifecycle.Adapters.Email;
using CloudLifecycle.Adapters.Tables;
using CloudLifecycle.Api;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Billing;
using Microsoft.Extensions.Configuration;

namespace CloudLifecycle.Hosting;

/// <summary>Where the stores are: a connection string (Azurite, <c>UseDevelopmentStorage=true</c>) or endpoints reached with a managed identity.</summary>
public sealed record StorageSettings(string? ConnectionString, Uri? TableEndpoint, Uri? BlobEndpoint, string? ManagedIdentityClientId, string TablePrefix)
{
    public bool UsesIdentity => string.IsNullOrEmpty(ConnectionString) && TableEndpoint is not null && BlobEndpoint is not null;

    public StorageAccount Account() => UsesIdentity
        ? new StorageAccount(null, TableEndpoint, BlobEndpoint, Credential())
        : new StorageAccount(ConnectionString ?? "UseDevelopmentStorage=true");

    /// <summary>
    /// Where the stores are, for a log line: the account and the table endpoint, never the connection
    /// string (its AccountKey is the account's password).
    /// </summary>
    public string Describe()
    {
        if (UsesIdentity)
        {
            return $"storage {TableEndpoint} (managed identity)";
        }

        try
        {
            var tables = Account().Tables();
            return $"storage account {tables.AccountName} at {tables.Uri}";
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return "storage: the connection string (CloudLifecycle:Storage:ConnectionString) cannot be read";
        }
    }

    // A user-assigned identity is named by its client id; without one, the usual chain (developer sign-in locally).
    private TokenCredential Credential() => ManagedIdentityClientId is { Length: > 0 } clientId
        ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
        : new DefaultAzureCredential();
}

/// <summary>
/// Everything both hosts read from configuration under <c>CloudLifecycle</c> (environment variables
/// <c>CloudLifecycle__Smtp__Host</c>, app settings in Azure, appsettings.json locally), with the defaults
/// a fresh machine runs with. Bad values are refused by name rather than replaced silently.
/// </summary>
public sealed record LifecycleSettings(
    StorageSettings Storage,
    SmtpSettings Smtp,
    DeliveryOptions Delivery,
    int BillingRunDay,
    IReadOnlyList<string> ApiKeys,
    string? FeedSecret,
    Issuer? Issuer)
{
    public const string Section = "CloudLifecycle";

    /// <summary>The address the CRM API is reached at from outside (<c>CloudLifecycle:PublicBaseUrl</c>); calendar links are built from it.</summary>
    public Uri? PublicBaseUrl { get; init; }

    /// <summary>Browser origins allowed to call the CRM API (<c>CloudLifecycle:Cors:Origins:0</c>, <c>:1</c>…); none: CORS is off.</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    /// <summary>
    /// How many pages of a local monthly invoice run go side by side (<c>CloudLifecycle:Billing:ParallelPages</c>,
    /// 1–64); by default the machine's processor count. Read here, by the host: core reads no environment.
    /// </summary>
    public int BillingParallelPages { get; init; } = Environment.ProcessorCount;

    /// <summary>The CRM endpoint outgoing webhooks go to, with their signing secret (<c>CloudLifecycle:Webhooks:Url|Secret</c>); null: none are recorded or sent.</summary>
    public WebhookSettings? Webhooks { get; init; }

    /// <summary>
    /// How many due contracts' rounds the local host runs at once when it drains the due index
    /// (<c>CloudLifecycle:Wake:Parallel</c>, 1–64, default 8: a round waits on storage more than it computes).
    /// </summary>
    public int WakeParallel { get; init; } = DefaultWakeParallel;

    public const int DefaultWakeParallel = 8;

    public static LifecycleSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var from = section["Smtp:From"] is { Length: > 0 } address ? address : "notices@cloudlifecycle.invalid";
        var settings = new LifecycleSettings(
            new StorageSettings(
                section["Storage:ConnectionString"],
                Endpoint(section, "Storage:TableEndpoint"),
                Endpoint(section, "Storage:BlobEndpoint"),
                section["Storage:ClientId"],
                section["Storage:TablePrefix"] ?? string.Empty),
            new SmtpSettings(
                section["Smtp:Host"] is { Length: > 0 } host ? host : "127.0.0.1",
                Number(section, "Smtp:Port", 1025, 1, 65535),
                from,
                UserName: section["Smtp:UserName"] is { Length: > 0 } user ? user : null,
                Password: section["Smtp:Password"] is { Length: > 0 } password ? password : null,
                StartTls: string.Equals(section["Smtp:StartTls"], "true", StringComparison.OrdinalIgnoreCase)),
            new DeliveryOptions(
                HourlyQuota: Number(section, "Email:HourlyQuota", 100, 1, 1_000_000),
                MinuteQuota: Number(section, "Email:MinuteQuota", 30, 1, 1_000_000),
                MessageIdDomain: section["Email:MessageIdDomain"] is { Length: > 0 } domain ? domain : InstallationDomain(from, section, List(section, "ApiKeys"))),
            Number(section, "Billing:RunDay", 1, 1, 28),
            List(section, "ApiKeys"),
            section["FeedSecret"] is { Length: > 0 } secret ? secret : null,
            IssuerFrom(section))
        {
            PublicBaseUrl = Endpoint(section, "PublicBaseUrl"),
            CorsOrigins = List(section, "Cors:Origins"),
            BillingParallelPages = Number(section, "Billing:ParallelPages", Environment.ProcessorCount, 1, 64),
            Webhooks = WebhookSettings.From(section),
            WakeParallel = Number(section, "Wake:Parallel", DefaultWakeParallel, 1, 64),
        };

        // The API's own checks (key length, feed secret, origins), named as configured, so that a host stops at start-up.
        foreach (var key in section.GetSection("ApiKeys").GetChildren().Where(c => c.Value is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value)))
        {
            if (CrmApiOptions.SecretProblem(key.Value!) is { } problem)
            {
                throw new InvalidOperationException($"{Section}:ApiKeys:{key.Key} {problem}");
            }
        }

        CrmApiOptions.Validate(settings.ApiKeys, settings.FeedSecret, settings.PublicBaseUrl, settings.CorsOrigins);
        return settings;
    }

    /// <summary>
    /// The issuer every invoice names (適格請求書発行事業者: 消費税法 §57-4 requires its name and registration number on a
    /// qualified invoice), or a start-up refusal naming the setting: for a host that issues invoices (the Functions app,
    /// <c>serve</c>) an unset issuer must stop it before it runs, not fail its first request.
    /// </summary>
    public Issuer RequireIssuer() => Issuer ?? throw new InvalidOperationException(
        $"{Section}:Issuer:Name and {Section}:Issuer:RegistrationNumber are required (app settings CloudLifecycle__Issuer__Name and " +
        "CloudLifecycle__Issuer__RegistrationNumber: the qualified-invoice issuer, T followed by 13 digits); the app does not start without them");

    /// <summary>Both issuer settings or neither; one without the other, or a malformed number, is refused by name.</summary>
    private static Issuer? IssuerFrom(IConfigurationSection section)
    {
        var name = section["Issuer:Name"];
        var registration = section["Issuer:RegistrationNumber"];
        if (string.IsNullOrWhiteSpace(name) && string.IsNullOrWhiteSpace(registration))
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new InvalidOperationException($"{Section}:Issuer:Name is empty while {Section}:Issuer:RegistrationNumber is set: an invoice needs both");
        }

        if (string.IsNullOrWhiteSpace(registration))
        {
            throw new InvalidOperationException($"{Section}:Issuer:RegistrationNumber is empty while {Section}:Issuer:Name is set: an invoice needs both");
        }

        Issuer issuer;
        try
        {
            issuer = new Issuer(name, registration);
        }
        catch (CloudLifecycle.Core.Contracts.ContractRuleException e)
        {
            throw new InvalidOperationException($"{Section}:Issuer:RegistrationNumber: {e.Reason}", e);
        }

        return issuer with { Transfer = TransferFrom(section.GetSection("Issuer:Transfer")) };
    }

    /// <summary>
    /// The transfer account printed on invoices (<c>Issuer:Transfer:Bank|Branch|AccountType|AccountNumber|AccountHolder</c>):
    /// all five or none; a part missing or malformed is refused by name at start-up, not found on a customer's invoice.
    /// </summary>
    private static BankTransfer? TransferFrom(IConfigurationSection transfer)
    {
        string[] parts = ["Bank", "Branch", "AccountType", "AccountNumber", "AccountHolder"];
        var values = parts.ToDictionary(part => part, part => transfer[part]);
        if (values.Values.All(string.IsNullOrWhiteSpace))
        {
            return null;
        }

        if (values.FirstOrDefault(v => string.IsNullOrWhiteSpace(v.Value)) is { Key: { } missing })
        {
            throw new InvalidOperationException($"{Section}:Issuer:Transfer:{missing} is empty while other transfer settings are set: an invoice's bank account needs all of {string.Join(", ", parts)}");
        }

        try
        {
            return new BankTransfer(values["Bank"]!, values["Branch"]!, values["AccountType"]!, values["AccountNumber"]!, values["AccountHolder"]!);
        }
        catch (CloudLifecycle.Core.Contracts.ContractRuleException e)
        {
            // The domain names the field issuer.transfer.accountNumber; the setting is Issuer:Transfer:AccountNumber.
            var part = e.Field[(e.Field.LastIndexOf('.') + 1)..];
            throw new InvalidOperationException($"{Section}:Issuer:Transfer:{char.ToUpperInvariant(part[0])}{part[1..]}: {e.Reason}", e);
        }
    }

    /// <summary>The CRM API's options from these settings, for <paramref name="issuer"/> (the host decides how a missing issuer is reported).</summary>
    public CrmApiOptions ApiOptions(Issuer issuer) => new()
    {
        ApiKeys = ApiKeys,
        FeedSecret = FeedSecret,
        DefaultIssuer = issuer,
        UidDomain = Delivery.MessageIdDomain,
        PublicBaseUrl = PublicBaseUrl,
        CorsOrigins = CorsOrigins,
        InvoicePdf = new PdfSharpInvoiceRenderer(),
    };

    /// <summary>The signed links an invoice email carries, keyed and addressed as the CRM API checks them (<see cref="CrmApiOptions.DocumentLinks"/>).</summary>
    public DocumentLinks? DocumentLinks() => Core.Application.DocumentLinks.From(FeedSecret, ApiKeys, PublicBaseUrl, CrmApiOptions.BasePath);

    /// <summary>The configuration of a local process: appsettings.json beside the program, then the environment.</summary>
    public static IConfiguration LocalConfiguration() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddEnvironmentVariables()
        .Build();

    private static Uri? Endpoint(IConfiguration section, string key) =>
        section[key] is not { Length: > 0 } text ? null
        : Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? uri
        : throw new InvalidOperationException($"{Section}:{key}: '{text}' is not an http(s) address");

    /// <summary>A list setting (<c>ApiKeys:0</c>, <c>ApiKeys:1</c>…) in index order, blanks skipped.</summary>
    /// <summary>
    /// The right-hand side of this installation's Message-IDs when <c>Email:MessageIdDomain</c> is not set (issue 15 point 7:
    /// two servers gave the same id). RFC 5322 §3.6.4 asks for a 「globally unique」 id, so two installations must not give the
    /// same id to the same notice id: a tag of what makes this installation itself — its feed secret, else its first API key,
    /// else its storage (connection string or endpoint and table prefix) — under the From address's domain (a domain the
    /// installation sends for). The tag is an HMAC of that identity, so no secret shows in a header; the same configuration
    /// always gives the same domain, so resends and the demo's files keep their ids. With none of them set (a development
    /// machine on Azurite's defaults) only the domain is left: set <c>Email:MessageIdDomain</c> to be sure.
    /// </summary>
    public static string InstallationDomain(string from, IConfiguration section, IReadOnlyList<string> apiKeys)
    {
        var domain = from[(from.LastIndexOf('@') + 1)..].Trim().TrimEnd('>');
        var identity = section["FeedSecret"] is { Length: > 0 } secret ? secret
            : apiKeys.Count > 0 ? apiKeys[0]
            : string.Concat(section["Storage:ConnectionString"], "|", section["Storage:TableEndpoint"], "|", section["Storage:TablePrefix"]);
        if (identity == "||")
        {
            return domain;
        }

        var tag = System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(identity), "cloudlifecycle message-id"u8);
        return $"{Convert.ToHexStringLower(tag)[..16]}.{domain}";
    }

    private static List<string> List(IConfiguration section, string key) =>
        section.GetSection(key).GetChildren()
            .OrderBy(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue)
            .Select(c => c.Value?.Trim()).OfType<string>().Where(k => k.Length > 0).ToList();

    private static int Number(IConfiguration section, string key, int fallback, int min, int max) =>
        section[key] is not { Length: > 0 } text ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value
        : throw new InvalidOperationException($"{Section}:{key}: '{text}' must be a whole number from {min} to {max}");
}

/// <summary>
/// Where outgoing webhooks go: one https endpoint (plain http only to this machine — 127.0.0.1, ::1, localhost — for a
/// local receiver) and the Standard Webhooks secret (<c>whsec_</c> + base64 of at least 24 bytes). Both or neither; a
/// bad one stops the host at start-up, named.
/// </summary>
public sealed record WebhookSettings(Uri Url, string Secret)
{
    public WebhookSecret SigningKey() => WebhookSecret.Parse(Secret);

    public static WebhookSettings? From(IConfiguration section)
    {
        var url = section["Webhooks:Url"];
        var secret = section["Webhooks:Secret"];
        if (string.IsNullOrWhiteSpace(url) && string.IsNullOrWhiteSpace(secret))
        {
            return null;
        }

        const string Prefix = LifecycleSettings.Section + ":Webhooks:";
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new InvalidOperationException($"{Prefix}Url is empty while {Prefix}Secret is set: webhooks need both");
        }

        if (string.IsNullOrWhiteSpace(secret))
        {
            throw new InvalidOperationException($"{Prefix}Secret is empty while {Prefix}Url is set: webhooks are signed (whsec_ followed by base64 of at least {WebhookSecret.MinBytes} random bytes)");
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            throw new InvalidOperationException($"{Prefix}Url: '{url}' is not an https address (plain http only to 127.0.0.1 or localhost, for a local receiver)");
        }

        if (WebhookSecret.Problem(secret.Trim()) is { } problem)
        {
            throw new InvalidOperationException($"{Prefix}Secret {problem}");
        }

        return new WebhookSettings(uri, secret.Trim());
    }

    /// <summary>Settings that send: the options every host's pass uses.</summary>
    public static WebhookOptions Options { get; } = new();
}
