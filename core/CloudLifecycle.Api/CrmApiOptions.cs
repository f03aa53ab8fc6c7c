using System.Security.Cryptography;
using System.Text;
using CloudLifecycle.Core.Billing;

namespace CloudLifecycle.Api;

/// <summary>
/// Settings of the CRM API: the API keys (from configuration, <c>CloudLifecycle:ApiKeys</c>, never
/// from the repository), the secret that signs calendar-feed links, the largest body accepted, and
/// the issuer a registration gets when it names none.
/// </summary>
public sealed record CrmApiOptions
{
    public const string BasePath = "/api/v1";
    public const string OpenApiPath = "/openapi/v1.json";
    public const int DefaultMaxBodyBytes = 64 * 1024;

    public required IReadOnlyList<string> ApiKeys { get; init; }

    /// <summary>Signs the calendar links; when unset it is derived from the first API key (rotating that key then changes the links).</summary>
    public string? FeedSecret { get; init; }

    public int MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    public required Issuer DefaultIssuer { get; init; }

    /// <summary>Domain of calendar event UIDs.</summary>
    public string UidDomain { get; init; } = "cloudlifecycle.invalid";
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
