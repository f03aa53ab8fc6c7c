using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CloudLifecycle.Core.Application;
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
        var schemas = new JsonObject { ["Problem"] = ProblemSchema() };
        foreach (var group in routes.GroupBy(r => r.Template))
        {
            var item = new JsonObject();
            var allowed = string.Join(", ", group.Select(r => r.Method));
            foreach (var route in group)
            {
                item[route.Method.ToLowerInvariant()] = Operation(route, allowed, schemas);
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
                ["description"] = "Contracts through their lifecycle: registration, events from the CRM, quotes, invoices, calendars, the month's journal for the accounting programs. " +
                    "Every POST needs an Idempotency-Key; errors are RFC 9457 problem documents naming the field, the reason and, for contract rules, the clause.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/" }),
            ["security"] = new JsonArray(new JsonObject { ["apiKey"] = new JsonArray() }),
            ["paths"] = paths,
            ["webhooks"] = OpenApiWebhooks.Build(schemas),
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["apiKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = CrmApi.ApiKeyHeader },
                    ["calendarToken"] = new JsonObject { ["type"] = "apiKey", ["in"] = "query", ["name"] = "token" },
                    ["documentLink"] = new JsonObject
                    {
                        ["type"] = "apiKey",
                        ["in"] = "query",
                        ["name"] = "sig",
                        ["description"] = "the signed link of an invoice email: `sig` (HMAC-SHA256 of the number and `expires`, base64url) together with `expires`; " +
                            "it opens that one document until `expires`, without the API key",
                    },
                },
                ["schemas"] = schemas,
                ["headers"] = new JsonObject
                {
                    ["ETag"] = Header("the representation's entity tag (a contract's: its version)", required: true),
                    ["Allow"] = Header("the methods this path allows", required: true),
                    ["Location"] = Header("the resource created or changed", required: true),
                    ["Retry-After"] = Header("seconds to wait before retrying with the same Idempotency-Key", required: true),
                    ["WWW-Authenticate"] = Header("how to authenticate: the X-Api-Key header", required: true),
                    ["Idempotent-Replayed"] = Header("\"true\" when this is the stored first answer to an earlier request under the same Idempotency-Key", required: false),
                },
            },
        };
    }

    private static JsonObject Operation(ApiRoute route, string allowed, JsonObject schemas)
    {
        var parameters = new JsonArray();
        foreach (var name in route.Template.Split('/').Where(s => s.StartsWith('{')).Select(s => s[1..^1]))
        {
            parameters.Add(new JsonObject { ["name"] = name, ["in"] = "path", ["required"] = true, ["description"] = PathDescription(name), ["schema"] = PathSchema(name) });
        }

        foreach (var query in route.Query)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = query.Name,
                ["in"] = "query",
                ["required"] = query.Required,
                ["description"] = query.Description,
                ["schema"] = QuerySchema(query),
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

        if (route.AcceptsDocumentLink)
        {
            // The signed link's two query members (DocumentLinks): `sig` is the documentLink scheme's key, `expires` the
            // instant it covers. Both come from the email's link as a pair; either alone is refused with 401.
            parameters.Add(new JsonObject
            {
                ["name"] = "expires",
                ["in"] = "query",
                ["required"] = false,
                ["description"] = "with a signed document link: the link's expiry, in Unix seconds, as the link gives it (covered by `sig`)",
                ["schema"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[0-9]{1,19}$" },
            });
            operation["security"] = new JsonArray(new JsonObject { ["apiKey"] = new JsonArray() }, new JsonObject { ["documentLink"] = new JsonArray() });
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
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Component(body, ApiJson.Requests, schemas) } },
            };
        }

        var responses = new JsonObject();
        var content = new JsonObject
        {
            [route.SuccessContentType.Split(';')[0]] = new JsonObject
            {
                ["schema"] = route.SuccessType is { } type ? Component(type, ApiJson.Responses, schemas) : new JsonObject { ["type"] = "string" },
            },
        };
        foreach (var alternative in route.AlternativeContentTypes)
        {
            // The document itself (the invoice's HTML page, its JP PINT XML as text; its PDF as bytes).
            var mediaType = alternative.Split(';')[0];
            content[mediaType] = new JsonObject
            {
                ["schema"] = mediaType.StartsWith("text/", StringComparison.Ordinal) || mediaType.EndsWith("xml", StringComparison.Ordinal)
                    ? new JsonObject { ["type"] = "string" }
                    : new JsonObject { ["type"] = "string", ["format"] = "binary" },
            };
        }

        var successHeaders = new JsonObject();
        foreach (var header in route.Method == "POST" ? route.SuccessHeaders.Append("Idempotent-Replayed") : route.SuccessHeaders)
        {
            successHeaders[header] = new JsonObject { ["$ref"] = $"#/components/headers/{header}" };
        }

        var success = new JsonObject { ["description"] = route.Summary, ["content"] = content };
        if (successHeaders.Count > 0)
        {
            success["headers"] = successHeaders;
        }

        responses[Status(route.SuccessStatus)] = success;
        if (route.Method == "GET")
        {
            // GET answers carry an ETag and honour If-None-Match (CrmApi.GetAsync): 304, no body.
            responses["304"] = new JsonObject
            {
                ["description"] = "If-None-Match named the current ETag: not modified, no body",
                ["headers"] = new JsonObject { ["ETag"] = new JsonObject { ["$ref"] = "#/components/headers/ETag" } },
            };
        }

        foreach (var status in route.Errors.Concat(CommonErrors(route)).Distinct().Order())
        {
            var problem = new JsonObject
            {
                ["description"] = ErrorDescription(status, allowed),
                ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Problem" } } },
            };
            if (ErrorHeader(status) is { } header)
            {
                problem["headers"] = new JsonObject { [header] = new JsonObject { ["$ref"] = $"#/components/headers/{header}" } };
            }

            responses[Status(status)] = problem;
        }

        // Refused by the web server (Kestrel) before the API sees the request: no problem document, no body.
        responses["414"] = new JsonObject { ["description"] = "the request line is longer than the web server accepts (answered by the server, no body)" };
        responses["431"] = new JsonObject { ["description"] = "the request headers are larger than the web server accepts (answered by the server, no body)" };
        operation["responses"] = responses;
        return operation;
    }

    /// <summary>Every operation can answer 405 (another method on its path), 500; a POST also 503 (the contract busy throughout).</summary>
    private static IEnumerable<int> CommonErrors(ApiRoute route) => route.Method == "POST" ? [405, 500, 503] : [405, 500];

    private static JsonObject Header(string description, bool required) =>
        new() { ["description"] = description, ["required"] = required, ["schema"] = new JsonObject { ["type"] = "string" } };

    private static string Status(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string? ErrorHeader(int status) => status switch
    {
        401 => "WWW-Authenticate",
        405 => "Allow",
        503 => "Retry-After",
        _ => null,
    };

    /// <summary>
    /// A type's schema as a named component (<c>#/components/schemas/{type}</c>), referenced from the operation. The
    /// exporter refers to a repeated type by a pointer from the root of the exported schema (<c>#/properties/keyDates/items</c>).
    /// Such a pointer into another schema's members is valid JSON Schema, but a client generator cannot name the type it
    /// points at (Kiota made a class "Items" and warned "Discriminator items not found"): the repeated type becomes a
    /// component of its own (<c>MilestoneView</c>), referenced from every place it occurs.
    /// </summary>
    private static JsonObject Component(Type type, JsonSerializerOptions options, JsonObject schemas)
    {
        var name = type.Name;
        var types = new Dictionary<JsonNode, Type>(ReferenceEqualityComparer.Instance);
        var schema = Schema(type, options, types);
        HoistRepeatedTypes(schema, types, schemas);
        if (schemas[name] is { } existing && !JsonNode.DeepEquals(existing, schema))
        {
            throw new InvalidOperationException($"two different schemas named {name}");
        }

        schemas[name] ??= schema;
        return new JsonObject { ["$ref"] = $"#/components/schemas/{name}" };
    }

    /// <summary>Every pointer the exporter made (<c>#/…</c>) names a node of this schema: that node moves to a component named after its type.</summary>
    private static void HoistRepeatedTypes(JsonNode schema, Dictionary<JsonNode, Type> types, JsonObject schemas)
    {
        var pointers = References(schema).Select(r => r["$ref"]!.GetValue<string>()).Where(t => t.StartsWith("#/", StringComparison.Ordinal) && !t.StartsWith("#/components/", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal).OrderByDescending(t => t.Length).ToList();
        var targets = pointers.Select(pointer => (Pointer: pointer, Node: Resolve(schema, pointer))).ToList();
        foreach (var (pointer, node) in targets)
        {
            var type = types.TryGetValue(node, out var found) ? Nullable.GetUnderlyingType(found) ?? found : throw new InvalidOperationException($"no type for the schema at {pointer}");
            var component = $"#/components/schemas/{type.Name}";
            foreach (var reference in References(schema).Where(r => r["$ref"]!.GetValue<string>() == pointer))
            {
                reference["$ref"] = component;
            }

            var hoisted = node.DeepClone();
            if (schemas[type.Name] is { } existing && !JsonNode.DeepEquals(existing, hoisted))
            {
                throw new InvalidOperationException($"two different schemas named {type.Name}");
            }

            schemas[type.Name] ??= hoisted;
            var parent = node.Parent ?? throw new InvalidOperationException($"the schema at {pointer} is the root");
            var replacement = new JsonObject { ["$ref"] = component };
            switch (parent)
            {
                case JsonObject obj:
                    obj[node.GetPropertyName()] = replacement;
                    break;
                case JsonArray array:
                    array[node.GetElementIndex()] = replacement;
                    break;
            }
        }
    }

    private static IEnumerable<JsonObject> References(JsonNode? node) => node switch
    {
        JsonObject obj => (obj["$ref"] is JsonValue ? [obj] : Enumerable.Empty<JsonObject>()).Concat(obj.SelectMany(p => References(p.Value))).ToList(),
        JsonArray array => array.SelectMany(References).ToList(),
        _ => [],
    };

    private static JsonNode Resolve(JsonNode root, string pointer)
    {
        var node = root;
        foreach (var segment in pointer[2..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)))
        {
            node = node switch
            {
                JsonObject obj => obj[segment],
                JsonArray array => array[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)],
                _ => null,
            } ?? throw new InvalidOperationException($"{pointer} names no schema");
        }

        return node;
    }

    private static string PathDescription(string name) => name switch
    {
        "id" => "a contract id: 1–64 letters, digits, '-', '_' or '.'",
        "number" => "an invoice number, INV-{contract id}-{yyyyMM} (optionally -P1, -L1, -C1 …)",
        "month" => "a month, yyyy-MM",
        _ => name,
    };

    private static JsonObject PathSchema(string name) => name switch
    {
        "id" => new JsonObject { ["type"] = "string", ["pattern"] = "^[A-Za-z0-9._-]{1,64}$" },
        "number" => new JsonObject { ["type"] = "string", ["pattern"] = "^INV-[A-Za-z0-9._-]{1,64}-[0-9]{6}(-[A-Z][0-9]+)?$" },
        "month" => new JsonObject { ["type"] = "string", ["pattern"] = "^[0-9]{4}-[0-9]{2}$" },
        _ => new JsonObject { ["type"] = "string" },
    };

    private static JsonObject QuerySchema(QueryParameter query)
    {
        var schema = query.Type switch
        {
            "date" => new JsonObject { ["type"] = "string", ["format"] = "date" },
            "month" => PathSchema("month"), // a month in the query (GET /journal) reads as one in the path: yyyy-MM
            _ => new JsonObject { ["type"] = query.Type },
        };
        if (query.Values is { } values)
        {
            schema["enum"] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
        }

        if (query.Minimum is { } minimum)
        {
            schema["minimum"] = minimum;
        }

        if (query.Maximum is { } maximum)
        {
            schema["maximum"] = maximum;
        }

        return schema;
    }

    /// <summary>A type's JSON Schema as the given options (de)serialise it; NodaTime and product codes as the strings they are.</summary>
    public static JsonNode Schema(Type type, JsonSerializerOptions options) => Schema(type, options, new Dictionary<JsonNode, Type>(ReferenceEqualityComparer.Instance));

    /// <summary>As <see cref="Schema(Type, JsonSerializerOptions)"/>, noting the type of each object schema in <paramref name="types"/>.</summary>
    private static JsonNode Schema(Type type, JsonSerializerOptions options, Dictionary<JsonNode, Type> types) =>
        options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, schema) =>
            {
                var node = IntegerFormat(context.TypeInfo.Type, StringFormat(context.TypeInfo.Type, schema));
                if (context.PropertyInfo is { } property)
                {
                    node = DecimalStrings(property, node);
                    node = Bounds(property, node, options);
                }

                OptionalWhenNullable(node);
                if (context.TypeInfo.Kind == JsonTypeInfoKind.Object)
                {
                    types[node] = context.TypeInfo.Type;
                }

                return node;
            },
        });

    /// <summary>
    /// One rule for every member that may be null: it is not required, and the API leaves it out rather than writing
    /// null (<see cref="LifecycleJson"/> writes no null member). The exporter lists every constructor parameter as
    /// required; a nullable one is taken off the list here.
    /// </summary>
    private static void OptionalWhenNullable(JsonNode schema)
    {
        if (schema is not JsonObject { } obj || obj["properties"] is not JsonObject properties || obj["required"] is not JsonArray required)
        {
            return;
        }

        var kept = required.Select(r => r!.GetValue<string>()).Where(name => !(properties[name] is JsonObject member && AllowsNull(member))).ToList();
        if (kept.Count == 0)
        {
            obj.Remove("required");
        }
        else
        {
            obj["required"] = new JsonArray(kept.Select(k => (JsonNode)JsonValue.Create(k)!).ToArray());
        }
    }

    private static bool AllowsNull(JsonObject member) => member["type"] switch
    {
        JsonArray types => types.Any(t => t?.GetValue<string>() == "null"),
        JsonValue type => type.GetValue<string>() == "null",
        _ => false,
    };

    /// <summary>Money read with <see cref="JsonNumberHandling.AllowReadingFromString"/> takes a decimal string too ("120000.50").</summary>
    private static JsonNode DecimalStrings(JsonPropertyInfo property, JsonNode schema)
    {
        if (property.NumberHandling is not { } handling || !handling.HasFlag(JsonNumberHandling.AllowReadingFromString) || schema is not JsonObject obj)
        {
            return schema;
        }

        var types = obj["type"] switch
        {
            JsonArray array => array.Select(t => t!.GetValue<string>()).ToList(),
            JsonValue value => [value.GetValue<string>()],
            _ => [],
        };
        if (!types.Contains("number") && !types.Contains("integer"))
        {
            return schema;
        }

        var integer = types.Contains("integer");
        obj["type"] = new JsonArray(types.Append("string").Distinct().Select(t => (JsonNode)JsonValue.Create(t)!).ToArray());
        obj["pattern"] = integer ? "^[0-9]+(\\.0+)?$" : "^[0-9]+(\\.[0-9]+)?$";
        obj["description"] = integer ? "an integer, or a decimal string with no fraction (\"1200\")" : "a number, or a decimal string (\"120000.50\")";
        return obj;
    }

    /// <summary>A request member's documented bounds (<see cref="AmountBounds"/>) as minimum/maximum; dates as their range in words.</summary>
    private static JsonNode Bounds(JsonPropertyInfo property, JsonNode schema, JsonSerializerOptions options)
    {
        if (!ReferenceEquals(options, ApiJson.Requests) || schema is not JsonObject obj)
        {
            return schema;
        }

        if (RequestBound(property.DeclaringType, property.Name) is { } bound)
        {
            obj[bound.MinimumExcluded ? "exclusiveMinimum" : "minimum"] = bound.Minimum;
            obj["maximum"] = bound.Maximum;
        }
        else if (obj["format"]?.GetValue<string>() == "date" || obj["pattern"]?.GetValue<string>() == "^[0-9]{4}-[0-9]{2}$")
        {
            obj["description"] = $"{obj["description"]?.GetValue<string>() ?? "a date, yyyy-MM-dd"}; {AmountBounds.Dates.Range}".TrimStart(' ', ';');
        }

        return obj;
    }

    private static AmountBound? RequestBound(Type declaringType, string member) => member switch
    {
        "awsUsageUsd" => AmountBounds.UsdAmount,
        "awsUsageJpy" or "resourceFee" or "baseFee" or "newBaseFee" or "amount" => AmountBounds.YenAmount,
        "unitPrice" or "newUnitPrice" => AmountBounds.UnitPrice,
        "fxRate" => AmountBounds.FxRate,
        "quantity" when declaringType == typeof(SetupItemBody) => AmountBounds.SetupQuantity,
        "quantity" => AmountBounds.Quantity,
        "components" or "metricRelaxationComponents" => AmountBounds.Components,
        "hours" => AmountBounds.OutageHours,
        _ => null,
    };

    /// <summary>
    /// An integer's width: <c>int64</c> for amounts in yen and versions (a total reaches ¥1,000,000,000,000, beyond 32 bits),
    /// <c>int32</c> otherwise. Without it a generator types every integer as 32 bits (Kiota's C# client: <c>int</c>).
    /// </summary>
    private static JsonNode IntegerFormat(Type type, JsonNode schema)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        var format = underlying == typeof(long) ? "int64" : underlying == typeof(int) ? "int32" : null;
        if (format is null || schema is not JsonObject obj || obj.ContainsKey("format"))
        {
            return schema;
        }

        var integer = obj["type"] switch
        {
            JsonArray types => types.Any(t => t?.GetValue<string>() == "integer"),
            JsonValue value => value.GetValue<string>() == "integer",
            _ => false,
        };
        if (integer)
        {
            obj["format"] = format;
        }

        return obj;
    }

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

    private static string ErrorDescription(int status, string allowed) => status switch
    {
        405 => $"another method than {allowed} on this path (Allow lists them)",
        500 => "an unexpected failure, answered without internals; a POST may be retried with the same Idempotency-Key",
        503 => "the contract was changed by other writers throughout; retry with the same Idempotency-Key (Retry-After)",
        400 => "malformed JSON, a missing or unknown member, a wrong type, a bad parameter or a missing Idempotency-Key",
        401 => "no or an unknown X-Api-Key",
        404 => "no such contract, invoice or run",
        409 => "the contract's state does not allow it (already registered, already cancelled, ended)",
        412 => "If-Match does not match the contract's current ETag",
        413 => "the body is larger than accepted",
        415 => "the body is not application/json",
        422 => "a contract rule refused it (the clause is named), a figure or date is outside its documented bounds (out-of-bounds), or the Idempotency-Key was used for another request",
        406 => "the document cannot be answered in the media type asked for",
        _ => "error",
    };
}
