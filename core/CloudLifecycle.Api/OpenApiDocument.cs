using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Api;

/// <summary>
/// The OpenAPI 3.1 document of the CRM API, built from the route table itself, with request and
/// response schemas exported from the very JSON options the API reads and writes with; so the
/// document cannot drift from what the API does.
/// </summary>
public static class OpenApiDocument
{
    public static JsonObject Build(IReadOnlyList<ApiRoute> routes)
    {
        var paths = new JsonObject();
        foreach (var group in routes.GroupBy(r => r.Template))
        {
            var item = new JsonObject();
            foreach (var route in group)
            {
                item[route.Method.ToLowerInvariant()] = Operation(route);
            }

            paths[$"{CrmApiOptions.BasePath}/{group.Key}"] = item;
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "CloudLifecycle CRM API",
                ["version"] = "v1",
                ["description"] = "Contracts through their lifecycle: registration, events from the CRM, quotes, invoices, calendars. " +
                    "Every POST needs an Idempotency-Key; errors are RFC 9457 problem documents naming the field, the reason and, for contract rules, the clause.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/" }),
            ["security"] = new JsonArray(new JsonObject { ["apiKey"] = new JsonArray() }),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["apiKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = CrmApi.ApiKeyHeader },
                    ["calendarToken"] = new JsonObject { ["type"] = "apiKey", ["in"] = "query", ["name"] = "token" },
                },
                ["schemas"] = new JsonObject { ["Problem"] = ProblemSchema() },
            },
        };
    }

    private static JsonObject Operation(ApiRoute route)
    {
        var parameters = new JsonArray();
        foreach (var name in route.Template.Split('/').Where(s => s.StartsWith('{')).Select(s => s[1..^1]))
        {
            parameters.Add(new JsonObject { ["name"] = name, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
        }

        foreach (var query in route.Query)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = query.Name,
                ["in"] = "query",
                ["required"] = query.Required,
                ["description"] = query.Description,
                ["schema"] = query.Type == "date" ? new JsonObject { ["type"] = "string", ["format"] = "date" } : new JsonObject { ["type"] = query.Type },
            });
        }

        var operation = new JsonObject
        {
            ["operationId"] = route.OperationId,
            ["summary"] = route.Summary,
            ["parameters"] = parameters,
        };
        if (route.AcceptsFeedToken)
        {
            operation["security"] = new JsonArray(new JsonObject { ["apiKey"] = new JsonArray() }, new JsonObject { ["calendarToken"] = new JsonArray() });
        }

        if (route.Body is { } body)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = CrmApi.IdempotencyKeyHeader,
                ["in"] = "header",
                ["required"] = true,
                ["description"] = "a unique value per intended change; a retry with the same key and body gets the first response",
                ["schema"] = new JsonObject { ["type"] = "string", ["maxLength"] = CrmApi.MaxIdempotencyKeyLength },
            });
            if (route.Template.StartsWith("contracts/{id}/", StringComparison.Ordinal))
            {
                parameters.Add(new JsonObject
                {
                    ["name"] = "If-Match",
                    ["in"] = "header",
                    ["required"] = false,
                    ["description"] = "the contract's ETag as read; refused with 412 if the contract changed since",
                    ["schema"] = new JsonObject { ["type"] = "string" },
                });
            }

            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Schema(body, ApiJson.Requests) } },
            };
        }

        var responses = new JsonObject();
        var success = route.SuccessType is { } type
            ? new JsonObject { ["schema"] = Schema(type, ApiJson.Responses) }
            : new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } };
        responses[route.SuccessStatus.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
        {
            ["description"] = route.Summary,
            ["content"] = new JsonObject { [route.SuccessContentType.Split(';')[0]] = success },
        };
        foreach (var mediaType in route.AlsoAnswers)
        {
            // A document the operation also answers (the invoice's HTML page, its PDF): the body is the document itself.
            var format = mediaType.StartsWith("text/", StringComparison.Ordinal) || mediaType.EndsWith("xml", StringComparison.Ordinal) ? null : "binary";
            ((JsonObject)responses[route.SuccessStatus.ToString(System.Globalization.CultureInfo.InvariantCulture)]!["content"]!)[mediaType] =
                new JsonObject { ["schema"] = format is null ? new JsonObject { ["type"] = "string" } : new JsonObject { ["type"] = "string", ["format"] = format } };
        }
        foreach (var status in route.Errors)
        {
            responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["description"] = ErrorDescription(status),
                ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Problem" } } },
            };
        }

        operation["responses"] = responses;
        return operation;
    }

    /// <summary>A type's JSON Schema as the given options (de)serialise it; NodaTime and product codes as the strings they are.</summary>
    public static JsonNode Schema(Type type, JsonSerializerOptions options) =>
        options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, schema) => StringFormat(context.TypeInfo.Type, schema),
        });

    private static JsonNode StringFormat(Type type, JsonNode schema)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        JsonObject? replacement = underlying switch
        {
            _ when underlying == typeof(LocalDate) => new JsonObject { ["type"] = "string", ["format"] = "date" },
            _ when underlying == typeof(YearMonth) => new JsonObject { ["type"] = "string", ["pattern"] = "^[0-9]{4}-[0-9]{2}$", ["description"] = "a month, yyyy-MM" },
            _ when underlying == typeof(Instant) => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            _ when underlying == typeof(ProductCode) => new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(ProductCode.All.Select(p => (JsonNode)JsonValue.Create(p.Code)!).ToArray()) },
            _ when underlying == typeof(ComponentPricing) => new JsonObject
            {
                ["type"] = "string",
                ["enum"] = new JsonArray(Enum.GetValues<ComponentPricing>().Select(p => (JsonNode)JsonValue.Create(TieredPricing.Name(p))!).ToArray()),
                ["default"] = TieredPricing.Name(ComponentPricing.Volume),
                ["description"] = "OPTAGE 別表2: volume (every component at the price of the band the month's count falls in; the default) or graduated (each band's components at that band's price)",
            },
            _ => null,
        };
        if (replacement is null)
        {
            return schema;
        }

        if (underlying != type || (schema is JsonObject existing && existing["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "null")))
        {
            replacement["type"] = new JsonArray("string", "null");
        }

        return replacement;
    }

    private static JsonObject ProblemSchema() => new()
    {
        ["type"] = "object",
        ["description"] = "RFC 9457 problem details, with the member at fault and, where a contract rule refused the request, its clause",
        ["properties"] = new JsonObject
        {
            ["type"] = new JsonObject { ["type"] = "string" },
            ["title"] = new JsonObject { ["type"] = "string" },
            ["status"] = new JsonObject { ["type"] = "integer" },
            ["detail"] = new JsonObject { ["type"] = "string" },
            ["instance"] = new JsonObject { ["type"] = "string" },
            ["field"] = new JsonObject { ["type"] = "string" },
            ["reason"] = new JsonObject { ["type"] = "string" },
            ["clause"] = new JsonObject { ["type"] = "string" },
        },
        ["required"] = new JsonArray("type", "title", "status", "field", "reason"),
    };

    private static string ErrorDescription(int status) => status switch
    {
        400 => "malformed JSON, a missing or unknown member, a wrong type, a bad parameter or a missing Idempotency-Key",
        401 => "no or an unknown X-Api-Key",
        404 => "no such contract, invoice or run",
        409 => "the contract's state does not allow it (already registered, already cancelled, ended)",
        412 => "If-Match does not match the contract's current ETag",
        413 => "the body is larger than accepted",
        415 => "the body is not application/json",
        422 => "a contract rule refused it (the clause is named), or the Idempotency-Key was used for another request",
        406 => "the document cannot be answered in the media type asked for",
        _ => "error",
    };
}
