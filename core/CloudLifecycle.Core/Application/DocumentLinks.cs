using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace CloudLifecycle.Core.Application;

/// <summary>
/// Signed, expiring links to an issued document, sent in its email so the customer can open the PDF without an API key
/// (as the calendar's token link opens a feed): <c>{PublicBaseUrl}/api/v1/invoices/{number}?format=pdf&amp;expires={unix
/// seconds}&amp;sig={HMAC-SHA256}</c>. The signature covers the number and the expiry, so neither can be changed; the
/// key derives from the feed secret (or, without one, the first API key), under a label of its own so that a calendar
/// token never signs a document link. Unset <c>PublicBaseUrl</c>: the link is relative, never taken from a request.
/// </summary>
public sealed class DocumentLinks
{
    /// <summary>How long a link in an email opens the document (our policy): long enough to pay by the due date and file it.</summary>
    public static readonly Duration Lifetime = Duration.FromDays(90);

    private readonly byte[] key;
    private readonly string prefix;

    private DocumentLinks(byte[] key, string prefix)
    {
        this.key = key;
        this.prefix = prefix;
    }

    /// <summary>Null when there is no secret to sign with (no feed secret, no API key).</summary>
    public static DocumentLinks? From(string? feedSecret, IReadOnlyList<string> apiKeys, Uri? publicBaseUrl, string basePath)
    {
        var secret = feedSecret is { Length: > 0 } configured
            ? configured
            : apiKeys.FirstOrDefault(k => !string.IsNullOrWhiteSpace(k)) is { } first ? "calendar-feed:" + first.Trim() : null;
        if (secret is null)
        {
            return null;
        }

        var root = publicBaseUrl is null ? string.Empty : publicBaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new DocumentLinks(SHA256.HashData(Encoding.UTF8.GetBytes("document-link:" + secret)), root + basePath);
    }

    /// <summary>The link to an invoice's PDF, valid until <paramref name="expires"/>.</summary>
    public string InvoicePdf(string number, Instant expires)
    {
        var seconds = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{prefix}/invoices/{Uri.EscapeDataString(number)}?format=pdf&expires={seconds}&sig={Sign(number, seconds)}";
    }

    /// <summary>Why a presented link does not open <paramref name="number"/> at <paramref name="now"/>, or null when it does.</summary>
    public string? Problem(string number, string? expires, string? signature, Instant now)
    {
        if (expires is null || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || signature is null)
        {
            return "a document link needs both expires and sig";
        }

        var expected = Encoding.ASCII.GetBytes(Sign(number, expires));
        var presented = Encoding.ASCII.GetBytes(signature);
        if (expected.Length != presented.Length || !CryptographicOperations.FixedTimeEquals(expected, presented))
        {
            return "is not this document's signature";
        }

        return Instant.FromUnixTimeSeconds(Math.Min(seconds, Instant.MaxValue.ToUnixTimeSeconds())) < now ? "the link has expired" : null;
    }

    private string Sign(string number, string expires)
    {
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"invoice:{number}:{expires}"));
        return Convert.ToBase64String(mac, 0, 24).Replace('+', '-').Replace('/', '_');
    }
}
