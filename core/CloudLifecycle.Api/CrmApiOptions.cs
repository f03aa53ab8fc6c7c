using CloudLifecycle.Core.Application;
using System.Security.Cryptography;
using System.Text;
using CloudLifecycle.Core.Billing;

namespace CloudLifecycle.Api;

/// <summary>
/// Settings of the CRM API: the API keys (from configuration, <c>CloudLifecycle:ApiKeys</c>, never
/// from the repository), the secret that signs calendar-feed links, the largest body accepted, the
/// issuer a registration gets when it names none, the public address calendar links are built from
/// and the browser origins allowed to call the API (CORS, off unless listed).
/// </summary>
public sealed record CrmApiOptions
{
    public const string BasePath = "/api/v1";
    public const string OpenApiPath = "/openapi/v1.json";
    public const int DefaultMaxBodyBytes = 64 * 1024;

    /// <summary>
    /// An API key (and a configured feed secret) is at least this many characters: 32 random characters
    /// from a 64-letter alphabet are 192 bits, beyond any guessing through the API.
    /// </summary>
    public const int MinSecretLength = 32;

    public required IReadOnlyList<string> ApiKeys { get; init; }

    /// <summary>Signs the calendar links; when unset it is derived from the first API key (rotating that key then changes the links).</summary>
    public string? FeedSecret { get; init; }

    public int MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    public required Issuer DefaultIssuer { get; init; }

    /// <summary>Domain of calendar event UIDs.</summary>
    public string UidDomain { get; init; } = "cloudlifecycle.invalid";

    /// <summary>
    /// The address the API is reached at from outside (<c>CloudLifecycle:PublicBaseUrl</c>, e.g.
    /// <c>https://crm-api.example.jp</c>): calendar subscription links are built from it, never from the
    /// request's Host header, which the caller controls. Unset: the link is relative to the API's own address.
    /// </summary>
    public Uri? PublicBaseUrl { get; init; }

    /// <summary>Checks the clock for a document link's expiry.</summary>
    public NodaTime.IClock Clock { get; init; } = NodaTime.SystemClock.Instance;

    /// <summary>The signed document links this API opens: the same key and address the invoice emails are sent with.</summary>
    public DocumentLinks? DocumentLinks() => Core.Application.DocumentLinks.From(FeedSecret, ApiKeys, PublicBaseUrl, BasePath);

    /// <summary>Lays out an invoice as a PDF (<c>Accept: application/pdf</c>, <c>?format=pdf</c>); without one, a PDF is answered 406.</summary>
    public IInvoicePdfRenderer? InvoicePdf { get; init; }

    /// <summary>Browser origins allowed to call the API (<c>CloudLifecycle:Cors:Origins</c>, e.g. <c>https://crm.example.jp</c>); none: CORS is off.</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    /// <summary>Why <paramref name="secret"/> cannot be an API key or feed secret, or null when it can.</summary>
    public static string? SecretProblem(string secret) =>
        secret.Trim().Length < MinSecretLength
            ? $"is {secret.Trim().Length} characters; at least {MinSecretLength} random characters are required (for example: openssl rand -base64 32)"
            : null;

    /// <summary>Why <paramref name="origin"/> cannot be a CORS origin (it must be scheme://host[:port], nothing more), or null when it can.</summary>
    public static string? OriginProblem(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            && string.Equals(uri.GetLeftPart(UriPartial.Authority), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
            ? null
            : $"'{origin}' is not an origin: expected scheme://host[:port] (https://crm.example.jp), without a path; '*' is not accepted";

    /// <summary>Why <paramref name="url"/> cannot be the public base URL, or null when it can.</summary>
    public static string? PublicBaseUrlProblem(Uri url) =>
        url.IsAbsoluteUri && url.Scheme is "https" or "http" && url.Query.Length == 0 && url.Fragment.Length == 0 && url.UserInfo.Length == 0
            ? null
            : $"'{url}' is not an http(s) address without query, fragment or user";

    /// <summary>
    /// Refuses options a host must not start with, naming the setting (<c>CloudLifecycle:ApiKeys:1</c>).
    /// No key at all is not refused here: the API then answers every call 401 (<c>serve</c> refuses to start without one).
    /// </summary>
    public void Validate() => Validate(ApiKeys, FeedSecret, PublicBaseUrl, CorsOrigins);

    /// <summary>As <see cref="Validate()"/>, on the settings before they become options (a host checks them at start-up).</summary>
    public static void Validate(IReadOnlyList<string> apiKeys, string? feedSecret, Uri? publicBaseUrl, IReadOnlyList<string> corsOrigins)
    {
        for (var i = 0; i < apiKeys.Count; i++)
        {
            if (SecretProblem(apiKeys[i]) is { } problem)
            {
                throw new InvalidOperationException($"CloudLifecycle:ApiKeys:{i} {problem}");
            }
        }

        if (feedSecret is { } secret && SecretProblem(secret) is { } feedProblem)
        {
            throw new InvalidOperationException($"CloudLifecycle:FeedSecret {feedProblem}");
        }

        if (publicBaseUrl is { } url && PublicBaseUrlProblem(url) is { } urlProblem)
        {
            throw new InvalidOperationException($"CloudLifecycle:PublicBaseUrl: {urlProblem}");
        }

        for (var i = 0; i < corsOrigins.Count; i++)
        {
            if (OriginProblem(corsOrigins[i]) is { } originProblem)
            {
                throw new InvalidOperationException($"CloudLifecycle:Cors:Origins:{i}: {originProblem}");
            }
        }
    }
}

/// <summary>
/// API-key checks in constant time: the presented key's SHA-256 is compared with every configured
/// key's, all of them, so neither the time taken nor an early exit tells which part matched.
/// </summary>
internal sealed class ApiKeyCheck
{
    private readonly byte[][] hashes;
    private readonly byte[] feedKey;

    public ApiKeyCheck(CrmApiOptions options)
    {
        hashes = options.ApiKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k.Trim()))).ToArray();
        var secret = options.FeedSecret is { Length: > 0 } configured
            ? configured
            : options.ApiKeys.FirstOrDefault(k => !string.IsNullOrWhiteSpace(k)) is { } first ? "calendar-feed:" + first.Trim() : null;
        feedKey = secret is null ? [] : SHA256.HashData(Encoding.UTF8.GetBytes(secret));
    }

    public bool HasKeys => hashes.Length > 0;

    /// <summary>The presented key's identity (a hash prefix), or null when it is not a configured key.</summary>
    public string? Identify(string? presented)
    {
        if (string.IsNullOrEmpty(presented) || hashes.Length == 0)
        {
            return null;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented.Trim()));
        var matched = false;
        foreach (var known in hashes)
        {
            matched |= CryptographicOperations.FixedTimeEquals(hash, known);
        }

        return matched ? Convert.ToHexStringLower(hash, 0, 6) : null;
    }

    /// <summary>The token that lets a calendar app read one contract's feed without the API key.</summary>
    public string? FeedToken(string contractId)
    {
        if (feedKey.Length == 0)
        {
            return null;
        }

        var mac = HMACSHA256.HashData(feedKey, Encoding.UTF8.GetBytes("calendar:" + contractId));
        return Convert.ToBase64String(mac, 0, 18).Replace('+', '-').Replace('/', '_');
    }

    public bool IsFeedToken(string contractId, string? presented)
    {
        // Token length is public (it is in every link); the comparison of the bytes is constant-time.
        var expected = FeedToken(contractId);
        return expected is not null && presented is not null && presented.Length == expected.Length
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(presented));
    }
}
