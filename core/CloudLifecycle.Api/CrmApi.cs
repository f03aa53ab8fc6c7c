using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudLifecycle.Api;

/// <summary>What a handler gets: the matched route, its values, the query, the body, and the event id derived from the Idempotency-Key.</summary>
public sealed record ApiCall(ApiRoute Route, IReadOnlyDictionary<string, string> Values, IQueryCollection Query, byte[] Body, HttpRequest Request, string? EventId, CancellationToken CancellationToken)
{
    public string Value(string name) => Values[name];
}

/// <summary>
/// The CRM API's front door, shared by every host: it matches the route, checks the API key, reads
/// the body strictly, applies the Idempotency-Key, runs the handler and turns every refusal into an
/// RFC 9457 problem. A host passes each request under <c>/api/v1</c> (and <c>/openapi/v1.json</c>) to
/// <see cref="HandleAsync"/>: the local host from Kestrel, Azure Functions from an HTTP trigger.
/// </summary>
public sealed partial class CrmApi : IDisposable
{
    public const string ApiKeyHeader = "X-Api-Key";
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>Every response: nothing to load, never framed.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>HTML pages: their inline styles, nothing else; never framed; no base or form targets.</summary>
    public const string HtmlContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    private const int KeyLockStripes = 64;

    private readonly ApiKeyCheck keys;
    private readonly IIdempotencyStore idempotency;
    private readonly ILogger logger;
    private readonly SemaphoreSlim[] keyLocks = Enumerable.Range(0, KeyLockStripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    private readonly Lazy<byte[]> openApi;
    private readonly CorsPolicy cors;
    private readonly DocumentLinks? documentLinks;

    public CrmApi(CrmApiOptions options, LifecycleStores stores, IContractEvents events, IBillingRuns billingRuns, ILogger? logger = null)
    {
        options.Validate();
        Options = options;
        keys = new ApiKeyCheck(options);
        cors = new CorsPolicy(options.CorsOrigins);
        documentLinks = options.DocumentLinks();
        idempotency = stores.Idempotency;
        this.logger = logger ?? NullLogger.Instance;
        Handlers = new CrmHandlers(options, stores, events, billingRuns, keys);
        Routes = Handlers.Routes();
        openApi = new Lazy<byte[]>(() => Encoding.UTF8.GetBytes(OpenApiDocument.Build(Routes).ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
    }

    public CrmApiOptions Options { get; }

    /// <summary>The OpenAPI document exactly as <c>GET /openapi/v1.json</c> answers it (UTF-8 JSON, indented).</summary>
    public byte[] OpenApiJson() => openApi.Value.ToArray();

    public IReadOnlyList<ApiRoute> Routes { get; }

    internal CrmHandlers Handlers { get; }

    /// <summary>Handles one request and writes its response.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ApiResponse response;
        try
        {
            response = await DispatchAsync(context).ConfigureAwait(false);
            if (response.Status >= 500)
            {
                // Every 5xx is logged, also those answered on purpose (a contract busy throughout).
                LogAnswered(logger, context.Request.Method, Printable(context.Request.Path), response.Status);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            // Not the caller's fault: logged in full, answered without internals.
            LogFailure(logger, context.Request.Method, Printable(context.Request.Path), e);
            response = ApiException.Problem(500, "internal", "request", "the request could not be completed; it may be retried with the same Idempotency-Key", null, context.Request.Path);
        }

        await WriteAsync(context, cors.Apply(context.Request, response)).ConfigureAwait(false);
    }

    public void Dispose()
    {
        foreach (var gate in keyLocks)
        {
            gate.Dispose();
        }
    }

    private async Task<ApiResponse> DispatchAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? string.Empty;
        if (cors.Preflight(request) is { } preflight)
        {
            return preflight;
        }

        if (path == CrmApiOptions.OpenApiPath && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            return new ApiResponse(200, ApiResponse.Json, openApi.Value, new Dictionary<string, string>());
        }

        if (!path.StartsWith(CrmApiOptions.BasePath + "/", StringComparison.Ordinal))
        {
            return ApiException.Problem(404, "not-found", "path", $"{path} is not an operation of this API (see {CrmApiOptions.OpenApiPath})", null, path);
        }

        var relative = path[(CrmApiOptions.BasePath.Length + 1)..].TrimEnd('/');
        var matches = Routes.Select(r => (Route: r, Matched: r.TryMatch(relative, out var values), Values: values)).Where(m => m.Matched).ToList();
        if (matches.Count == 0)
        {
            return ApiException.Problem(404, "not-found", "path", $"{path} is not an operation of this API (see {CrmApiOptions.OpenApiPath})", null, path);
        }

        var method = HttpMethods.IsHead(request.Method) ? HttpMethods.Get : request.Method;
        var match = matches.FirstOrDefault(m => string.Equals(m.Route.Method, method, StringComparison.OrdinalIgnoreCase));
        if (match.Route is null)
        {
            var allowed = string.Join(", ", matches.Select(m => m.Route.Method));
            return ApiException.Problem(405, "method-not-allowed", "method", $"{request.Method} is not allowed here; allowed: {allowed}", null, path, new Dictionary<string, string> { ["Allow"] = allowed });
        }

        var route = match.Route;
        try
        {
            var caller = Authenticate(request, route, match.Values);
            CheckRouteValues(match.Values);
            CheckQuery(request.Query, route);
            return HttpMethods.IsPost(method)
                ? await PostAsync(context, route, match.Values, caller).ConfigureAwait(false)
                : await GetAsync(context, route, match.Values).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            return e.ToResponse(path);
        }
        catch (ContractRuleException e)
        {
            return ApiException.From(e, route.RenameField).ToResponse(path);
        }
        catch (ConcurrencyException)
        {
            // Nothing was saved; the same request under the same Idempotency-Key is applied once when retried.
            return ApiException.Problem(503, "contract-busy", "id", "the contract was changed by other writers throughout; retry with the same Idempotency-Key", null, path,
                new Dictionary<string, string> { ["Retry-After"] = "1" });
        }
    }

    private string Authenticate(HttpRequest request, ApiRoute route, Dictionary<string, string> values)
    {
        if (route.AcceptsFeedToken && request.Query.TryGetValue("token", out var token) && values.TryGetValue("id", out var contractId))
        {
            return keys.IsFeedToken(contractId, token.ToString())
                ? "feed"
                : throw new ApiException(401, "unauthorized", "token", "is not this contract's calendar token",
                    headers: new Dictionary<string, string> { ["WWW-Authenticate"] = "ApiKey header=\"X-Api-Key\"" });
        }

        if (route.AcceptsDocumentLink && request.Query.ContainsKey("sig") && values.TryGetValue("number", out var number))
        {
            var problem = documentLinks is null
                ? "this host signs no document links"
                : documentLinks.Problem(number, request.Query["expires"].ToString() is { Length: > 0 } e ? e : null, request.Query["sig"].ToString(), Options.Clock.GetCurrentInstant());
            // A 401 names how to authenticate (RFC 9110 §15.5.2), here as for a missing key: a refused link falls back to it.
            return problem is null ? "document-link" : throw new ApiException(401, "unauthorized", "sig", problem,
                headers: new Dictionary<string, string> { ["WWW-Authenticate"] = "ApiKey header=\"X-Api-Key\"" });
        }

        var presented = request.Headers[ApiKeyHeader].ToString();
        return keys.Identify(presented) ?? throw new ApiException(401, "unauthorized", ApiKeyHeader,
            presented.Length == 0 ? "the X-Api-Key header is required" : "is not a valid API key",
            headers: new Dictionary<string, string> { ["WWW-Authenticate"] = "ApiKey header=\"X-Api-Key\"" });
    }

    /// <summary>
    /// Ids in the path are refused unless they can name what they name: a contract id (1–64 letters,
    /// digits, '-', '_', '.'), an invoice number (INV-{contract id}-{yyyyMM}). A '/' (sent as %2F, or %252F
    /// hoping for a second decoding), '%', a control character or any other letter never reaches a store.
    /// </summary>
    private static void CheckRouteValues(Dictionary<string, string> values)
    {
        if (values.TryGetValue("id", out var id) && !ContractRegistration.IsContractId(id))
        {
            throw ApiException.BadRequest("id", $"'{id}' is not a contract id (1–{ContractRegistration.MaxContractIdLength} letters, digits, '-', '_' or '.')");
        }

        if (values.TryGetValue("number", out var number) && !IsInvoiceNumber(number))
        {
            throw ApiException.BadRequest("number", $"'{number}' is not an invoice number (INV-{{contract id}}-{{yyyyMM}}, optionally -P1, -L1, -C1 …)");
        }
    }

    private static bool IsInvoiceNumber(string number) =>
        Core.Billing.InvoiceNumbers.Parse(number) is { } parts && ContractRegistration.IsContractId(parts.ContractId);

    /// <summary>A path as a log line may show it: control characters escaped, so a request cannot forge log lines.</summary>
    private static string Printable(PathString path) =>
        string.Concat((path.Value ?? string.Empty).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    private static void CheckQuery(IQueryCollection query, ApiRoute route)
    {
        foreach (var (name, value) in query)
        {
            if ((name == "token" && route.AcceptsFeedToken) || (name is "expires" or "sig" && route.AcceptsDocumentLink))
            {
                continue;
            }

            if (!route.Query.Any(q => q.Name == name))
            {
                throw ApiException.BadRequest(name, route.Query.Count == 0
                    ? "is not a parameter of this request (it takes none)"
                    : $"is not a parameter of this request; expected {string.Join(", ", route.Query.Select(q => q.Name))}");
            }

            if (value.Count > 1)
            {
                throw ApiException.BadRequest(name, "is given more than once");
            }
        }

        foreach (var required in route.Query.Where(q => q.Required && !query.ContainsKey(q.Name)))
        {
            throw ApiException.BadRequest(required.Name, "is required");
        }
    }

    private static async Task<ApiResponse> GetAsync(HttpContext context, ApiRoute route, Dictionary<string, string> values)
    {
        var call = new ApiCall(route, values, context.Request.Query, [], context.Request, null, context.RequestAborted);
        var response = await route.Handler(call).ConfigureAwait(false);
        if (response.Status != 200)
        {
            return response;
        }

        var etag = response.Headers.TryGetValue("ETag", out var set) ? set : response.ContentETag();
        response = response.WithHeader("ETag", etag);
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        return ifNoneMatch.Length > 0 && (ifNoneMatch == "*" || ifNoneMatch.Split(',').Select(t => t.Trim()).Contains(etag))
            ? ApiResponse.NotModified(etag)
            : response;
    }

    /// <summary>
    /// A POST: JSON of at most <see cref="CrmApiOptions.MaxBodyBytes"/>, under an Idempotency-Key.
    /// The first success under a key is stored with the request's fingerprint; a retry with the same
    /// request gets the stored response (<c>Idempotent-Replayed: true</c>), a different request under
    /// the same key is refused. Refusals are not stored: they changed nothing, so a retry is decided again.
    /// </summary>
    private async Task<ApiResponse> PostAsync(HttpContext context, ApiRoute route, Dictionary<string, string> values, string caller)
    {
        var request = context.Request;
        var key = request.Headers[IdempotencyKeyHeader].ToString();
        if (key.Length == 0)
        {
            throw ApiException.BadRequest(IdempotencyKeyHeader, "is required on every POST (a unique value per intended change; retries reuse it)", "idempotency-key-missing");
        }

        if (key.Length > MaxIdempotencyKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            throw ApiException.BadRequest(IdempotencyKeyHeader, $"must be 1–{MaxIdempotencyKeyLength} visible ASCII characters");
        }

        CheckContentType(request);
        var body = await ReadBodyAsync(request, Options.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        var scope = $"api/{caller}/{key}";
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{route.Method} {request.Path}\n").Concat(body).ToArray()));
        var gate = keyLocks[unchecked((uint)StringComparer.Ordinal.GetHashCode(scope)) % KeyLockStripes];
        await gate.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            if (await idempotency.GetAsync(scope, context.RequestAborted).ConfigureAwait(false) is { } stored)
            {
                return Replay(stored, fingerprint);
            }

            // The event id is derived from the key, so even a retry whose first response was lost is applied once.
            var eventId = "api/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scope)))[..24];
            var call = new ApiCall(route, values, request.Query, body, request, eventId, context.RequestAborted);
            var response = await route.Handler(call).ConfigureAwait(false);
            if (response.Status is < 200 or >= 300)
            {
                return response;
            }

            var record = JsonSerializer.Serialize(new StoredResponse(fingerprint, response.Status, response.ContentType, Convert.ToBase64String(response.Body), response.Headers), ApiJson.Responses);
            var kept = await idempotency.PutIfAbsentAsync(scope, record, CancellationToken.None).ConfigureAwait(false);
            return kept == record ? response : Replay(kept, fingerprint);
        }
        finally
        {
            gate.Release();
        }
    }

    private static ApiResponse Replay(string stored, string fingerprint)
    {
        var first = JsonSerializer.Deserialize<StoredResponse>(stored, ApiJson.Responses)!;
        if (first.Fingerprint != fingerprint)
        {
            throw new ApiException(422, "idempotency-key-reused", IdempotencyKeyHeader, "was already used for a different request; use a new key for a new change");
        }

        return new ApiResponse(first.Status, first.ContentType, Convert.FromBase64String(first.Body), first.Headers).WithHeader("Idempotent-Replayed", "true");
    }

    private static void CheckContentType(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !string.Equals(type.MediaType, "application/json", StringComparison.OrdinalIgnoreCase)
            || (type.CharSet is { } charset && !string.Equals(charset.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ApiException(415, "unsupported-media-type", "Content-Type", $"'{request.ContentType}' is not application/json (UTF-8)");
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            throw new ApiException(413, "body-too-large", "body", $"{request.ContentLength} bytes is more than the {maxBytes} accepted");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxBytes)
                {
                    throw new ApiException(413, "body-too-large", "body", $"more than the {maxBytes} bytes accepted");
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            // The server's own limit stopped the read.
            throw new ApiException(413, "body-too-large", "body", e.Message);
        }
        catch (Exception e) when (e is not ApiException and not OperationCanceledException)
        {
            // A body the server cannot read is the sender's fault, whatever the server throws for it: a chunk
            // size of 0x80000000 or more overflows Kestrel's parser, a cut-off upload ends mid-chunk.
            throw new ApiException(400, "invalid-body", "body", e is BadHttpRequestException bad
                ? bad.Message
                : "could not be read (malformed chunked encoding, or the upload was cut off)");
        }

        return buffer.ToArray();
    }

    private static async Task WriteAsync(HttpContext context, ApiResponse response)
    {
        var http = context.Response;
        http.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            http.Headers[name] = value;
        }

        http.Headers.CacheControl = "no-cache";
        // The browser renders only what the content type says, loads nothing the page does not hold, and
        // never frames it; the HTML pages (invoice, timeline) need their inline <style> and nothing else.
        http.Headers.XContentTypeOptions = "nosniff";
        var html = response.ContentType.StartsWith("text/html", StringComparison.OrdinalIgnoreCase);
        http.Headers.ContentSecurityPolicy = html ? HtmlContentSecurityPolicy : ContentSecurityPolicy;
        if (html)
        {
            http.Headers["Referrer-Policy"] = "no-referrer";
        }

        if (response.Status is 304 or 204)
        {
            return;
        }

        http.ContentType = response.ContentType;
        http.ContentLength = response.Body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await http.Body.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>A first response as stored under its Idempotency-Key.</summary>
    private sealed record StoredResponse(string Fingerprint, int Status, string ContentType, string Body, IReadOnlyDictionary<string, string> Headers);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed: answered 500")]
    private static partial void LogFailure(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: answered {Status}")]
    private static partial void LogAnswered(ILogger logger, string method, string path, int status);
}
