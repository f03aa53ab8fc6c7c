using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudLifecycle.Core.Contracts;

namespace CloudLifecycle.Api;

/// <summary>
/// A response as data: status, content type, body and headers. Handlers return it; the dispatcher
/// writes it, and stores it under the request's Idempotency-Key so that a retry gets the same bytes.
/// </summary>
public sealed record ApiResponse(int Status, string ContentType, byte[] Body, IReadOnlyDictionary<string, string> Headers)
{
    public const string Json = "application/json; charset=utf-8";
    public const string ProblemJson = "application/problem+json; charset=utf-8";

    public static ApiResponse Of<T>(int status, T value, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, Json, JsonSerializer.SerializeToUtf8Bytes(value, ApiJson.Responses), headers ?? new Dictionary<string, string>());

    public static ApiResponse Text(int status, string contentType, string text, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, contentType, Encoding.UTF8.GetBytes(text), headers ?? new Dictionary<string, string>());

    public static ApiResponse NotModified(string etag) => new(304, Json, [], new Dictionary<string, string> { ["ETag"] = etag });

    /// <summary>A strong entity tag from the body's bytes.</summary>
    public string ContentETag() => $"\"{Convert.ToHexStringLower(SHA256.HashData(Body))[..32]}\"";

    public ApiResponse WithHeader(string name, string value) =>
        this with { Headers = new Dictionary<string, string>(Headers) { [name] = value } };
}

/// <summary>
/// A refused request, as an RFC 9457 problem: the status, a problem type, the member (<see cref="Field"/>)
/// and the reason, and the contract clause when a contract rule refused it.
/// </summary>
public sealed class ApiException(int status, string slug, string field, string reason, string? clause = null, IReadOnlyDictionary<string, string>? headers = null)
    : Exception($"{field}: {reason}")
{
    public int Status { get; } = status;

    public string Slug { get; } = slug;

    public string Field { get; } = field;

    public string Reason { get; } = reason;

    public string? Clause { get; } = clause;

    public IReadOnlyDictionary<string, string> Headers { get; } = headers ?? new Dictionary<string, string>();

    public static ApiException BadRequest(string field, string reason, string slug = "invalid-request") => new(400, slug, field, reason);

    /// <summary>A contract rule's refusal: 422, or 404 / 409 / 412 by what kind of refusal it is.</summary>
    public static ApiException From(ContractRuleException e, Func<string, string>? renameField = null)
    {
        var field = renameField?.Invoke(e.Field) ?? e.Field;
        return e.Kind switch
        {
            RefusalKind.NotFound => new ApiException(404, "not-found", field, e.Reason, e.Clause),
            RefusalKind.Conflict => new ApiException(409, "conflict", field, e.Reason, e.Clause),
            RefusalKind.Stale => new ApiException(412, "precondition-failed", field, e.Reason, e.Clause),
            _ => new ApiException(422, "contract-rule", field, e.Reason, e.Clause),
        };
    }

    public ApiResponse ToResponse(string instance) => Problem(Status, Slug, Field, Reason, Clause, instance, Headers);

    /// <summary>An RFC 9457 problem document with the members <c>field</c>, <c>reason</c> and <c>clause</c>.</summary>
    public static ApiResponse Problem(int status, string slug, string field, string reason, string? clause, string instance, IReadOnlyDictionary<string, string>? headers = null)
    {
        var problem = new JsonObject
        {
            ["type"] = $"urn:cloudlifecycle:problem:{slug}",
            ["title"] = Title(status, slug),
            ["status"] = status,
            ["detail"] = clause is null ? $"{field}: {reason}" : $"{field}: {reason} ({clause})",
            ["instance"] = instance,
            ["field"] = field,
            ["reason"] = reason,
        };
        if (clause is not null)
        {
            problem["clause"] = clause;
        }

        return new ApiResponse(status, ApiResponse.ProblemJson, Encoding.UTF8.GetBytes(problem.ToJsonString(ApiJson.Responses)), headers ?? new Dictionary<string, string>());
    }

    private static string Title(int status, string slug) => (status, slug) switch
    {
        (422, "idempotency-key-reused") => "The Idempotency-Key was used for another request",
        (422, "out-of-bounds") => "A value is outside its documented bounds",
        (500, _) => "The request could not be completed",
        (503, _) => "The contract is busy",
        (400, _) => "The request is malformed",
        (401, _) => "An API key is required",
        (404, _) => "Not found",
        (405, _) => "Method not allowed",
        (409, _) => "The contract's state does not allow this",
        (412, _) => "The contract has changed since it was read",
        (413, _) => "The request body is too large",
        (415, _) => "The request body must be JSON",
        (422, _) => "A contract rule refused the request",
        _ => ((HttpStatusCode)status).ToString(),
    };
}
