using Microsoft.AspNetCore.Http;

namespace CloudLifecycle.Api;

/// <summary>
/// Cross-origin calls from browsers, off unless origins are configured (<c>CloudLifecycle:Cors:Origins</c>).
/// A listed origin gets <c>Access-Control-Allow-Origin</c> naming it (never <c>*</c>) and its preflight
/// answered; any other origin gets no CORS header at all, so a browser keeps the response from its page.
/// Credentials (cookies) are never allowed: the API key travels in a header the page sets itself.
/// </summary>
internal sealed class CorsPolicy(IReadOnlyList<string> origins)
{
    public const string AllowedMethods = "GET, HEAD, POST";

    /// <summary>The request headers a CRM page sends: the key, the body's type, idempotency and concurrency.</summary>
    public const string AllowedHeaders = "X-Api-Key, Content-Type, Idempotency-Key, If-Match, If-None-Match";

    /// <summary>The response headers a page may read besides the simple ones.</summary>
    public const string ExposedHeaders = "ETag, Location, Idempotent-Replayed, Retry-After, WWW-Authenticate";

    private readonly HashSet<string> allowed = origins.Select(Normalise).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public bool Enabled => allowed.Count > 0;

    /// <summary>The answer to a preflight (OPTIONS with an Origin and Access-Control-Request-Method) from a listed origin; null otherwise.</summary>
    public ApiResponse? Preflight(HttpRequest request)
    {
        if (!HttpMethods.IsOptions(request.Method) || AllowedOrigin(request) is null
            || request.Headers.AccessControlRequestMethod.ToString() is not { Length: > 0 })
        {
            return null;
        }

        return new ApiResponse(204, ApiResponse.Json, [], new Dictionary<string, string>
        {
            ["Access-Control-Allow-Methods"] = AllowedMethods,
            ["Access-Control-Allow-Headers"] = AllowedHeaders,
            ["Access-Control-Max-Age"] = "600",
        });
    }

    /// <summary><paramref name="response"/> with the CORS headers a listed origin gets; unchanged for any other.</summary>
    public ApiResponse Apply(HttpRequest request, ApiResponse response)
    {
        if (!Enabled)
        {
            return response;
        }

        // Responses differ by origin once any origin is listed: caches must keep them apart.
        var varied = response.WithHeader("Vary", "Origin");
        return AllowedOrigin(request) is { } origin
            ? varied.WithHeader("Access-Control-Allow-Origin", origin).WithHeader("Access-Control-Expose-Headers", ExposedHeaders)
            : varied;
    }

    private string? AllowedOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0 && allowed.Contains(Normalise(origin)) ? origin : null;
    }

    private static string Normalise(string origin) => origin.Trim().TrimEnd('/');
}
