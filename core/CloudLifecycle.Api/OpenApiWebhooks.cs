using System.Text.Json.Nodes;
using CloudLifecycle.Core.Application;

namespace CloudLifecycle.Api;

/// <summary>
/// The OpenAPI 3.1 <c>webhooks</c> of the document: what the CRM endpoint configured in <c>Webhooks:Url</c> receives, one
/// entry per event type (<see cref="WebhookTypes"/>), each a POST with the Standard Webhooks headers and its payload's
/// schema (a component). The payloads are written by <see cref="WebhookEvents"/>; a test checks that every member it
/// writes is documented here and every documented required member is written (OpenApiWebhooksTests).
/// </summary>
public static class OpenApiWebhooks
{
    /// <summary>The component schema of each type's payload.</summary>
    public static IReadOnlyDictionary<string, string> SchemaNames { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [WebhookTypes.ContractStateChanged] = "ContractStateChangedWebhook",
        [WebhookTypes.NoticeSent] = "NoticeSentWebhook",
        [WebhookTypes.InvoiceIssued] = "InvoiceIssuedWebhook",
    };

    /// <summary>Adds the payload schemas to <paramref name="schemas"/> and returns the document's <c>webhooks</c> object.</summary>
    public static JsonObject Build(JsonObject schemas)
    {
        schemas["WebhookText"] = Obj(new() { ["ja"] = Str("Japanese"), ["en"] = Str("English") }, ["ja", "en"], "a text in both languages");
        schemas[SchemaNames[WebhookTypes.ContractStateChanged]] = Envelope(WebhookTypes.ContractStateChanged,
            "a change of the contract's state, one per history entry that is one: registered, cancellationReceived (it now ends on a known day), " +
            "extensionApproved, providerNotice (the provider's termination or suspension notice), serviceSuspended, serviceResumed, contractClosed; occurredAt is the entry's date",
            Obj(new()
            {
                ["change"] = Enum("the kind of change (the history entry's kind)", WebhookEvents.StateChanges.Select(MilestoneView.Camel).Order(StringComparer.Ordinal).ToArray()),
                ["date"] = Date("the day it took effect (yyyy-MM-dd)"),
                ["clause"] = Str("the contract clause behind it (e.g. §27-1), when there is one"),
                ["description"] = Ref("WebhookText"),
                ["historyKey"] = Str("the history entry's key (GET /contracts/{id}/events lists it as event:{historyKey})"),
            }, ["change", "date", "description", "historyKey"]));
        schemas[SchemaNames[WebhookTypes.InvoiceIssued]] = Envelope(WebhookTypes.InvoiceIssued,
            "a document issued: the month's invoice, late interest, termination charges, a payout credit, a credit note or a corrected invoice; occurredAt is its issue date",
            Obj(new()
            {
                ["number"] = Str("the document number (GET /invoices/{number})"),
                ["kind"] = Enum("what the document is", System.Enum.GetNames<CloudLifecycle.Core.Billing.InvoiceKind>().Select(MilestoneView.Camel).ToArray()),
                ["month"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[0-9]{4}-[0-9]{2}$", ["description"] = "the billing month, yyyy-MM" },
                ["issueDate"] = Date("issue date (yyyy-MM-dd)"),
                ["dueDate"] = Date("payment due date (yyyy-MM-dd)"),
                ["clause"] = Str("the clause that sets the due date"),
                ["subtotal"] = Yen("amount before consumption tax, yen"),
                ["tax"] = Yen("consumption tax, yen"),
                ["total"] = Yen("amount due (negative for a credit), yen"),
                ["refers"] = Str("the invoice this document follows from (the one paid late)"),
                ["corrects"] = Str("the invoice a credit note or corrected invoice corrects"),
            }, ["number", "kind", "month", "issueDate", "dueDate", "subtotal", "tax", "total"]));
        schemas[SchemaNames[WebhookTypes.NoticeSent]] = Envelope(WebhookTypes.NoticeSent,
            "an email notice the mail server accepted for the customer; occurredAt is the day it was sent (Tokyo)",
            Obj(new()
            {
                ["noticeId"] = Str("the notice's id (stable; the email's Message-ID is derived from it)"),
                ["kind"] = Enum("what the notice announces", System.Enum.GetNames<CloudLifecycle.Core.Lifecycle.NoticeKind>().Select(MilestoneView.Camel).ToArray()),
                ["date"] = Date("the day the notice is about (yyyy-MM-dd)"),
                ["clause"] = Str("the contract clause behind it, when there is one"),
                ["subject"] = Ref("WebhookText"),
                ["sentAt"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["description"] = "when the mail server accepted it (UTC)" },
                ["invoiceNumber"] = Str("the document it carries, for an invoice notice"),
            }, ["noticeId", "kind", "date", "subject", "sentAt"]));

        var webhooks = new JsonObject();
        foreach (var type in WebhookTypes.All)
        {
            webhooks[type] = new JsonObject { ["post"] = Operation(type) };
        }

        return webhooks;
    }

    private static JsonObject Operation(string type) => new()
    {
        ["operationId"] = type.Replace(".", "_", StringComparison.Ordinal) + "_webhook",
        ["summary"] = $"{type}: sent to the configured CRM endpoint",
        ["description"] = "Signed as Standard Webhooks: HMAC-SHA256 under the secret's decoded bytes (whsec_<base64>) of \"{webhook-id}.{webhook-timestamp}.{raw body}\". " +
            "Delivered at least once: a 2xx answer is delivered; any other answer, a timeout (30 s) or no connection is retried after 1, 2, 4 … minutes (up to an hour, less up to a fifth), " +
            "for 3 days (at least 10 attempts), then kept as failed; 410 Gone stops at once. The same event always has the same webhook-id and body: de-duplicate on webhook-id.",
        ["security"] = new JsonArray(),
        ["parameters"] = new JsonArray(
            HeaderParameter("webhook-id", "the event id, the same on every retry (the receiver's idempotency key): contract/{contractId}/{historyKey}, invoice/{number} or notice/{noticeId}"),
            HeaderParameter("webhook-timestamp", "unix seconds of this attempt; refuse one far from your clock (5 minutes) against replays", "^[0-9]+$"),
            HeaderParameter("webhook-signature", "v1,<base64 HMAC-SHA256> (space-separated if several)", "^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$")),
        ["requestBody"] = new JsonObject
        {
            ["required"] = true,
            ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref(SchemaNames[type]) } },
        },
        ["responses"] = new JsonObject
        {
            ["200"] = new JsonObject { ["description"] = "received (any 2xx counts as delivered; the body is ignored)" },
            ["410"] = new JsonObject { ["description"] = "Gone: the receiver wants no more of this event; it is marked failed and not retried" },
        },
    };

    private static JsonObject Envelope(string type, string description, JsonObject data) => new()
    {
        ["type"] = "object",
        ["description"] = description,
        ["required"] = new JsonArray("id", "type", "occurredAt", "contractId", "data"),
        ["properties"] = new JsonObject
        {
            ["id"] = Str("the event id, equal to the webhook-id header"),
            ["type"] = new JsonObject { ["type"] = "string", ["const"] = type },
            ["occurredAt"] = Date("the day it happened (yyyy-MM-dd, Tokyo)"),
            ["contractId"] = Str("the contract it concerns"),
            ["data"] = data,
        },
    };

    private static JsonObject HeaderParameter(string name, string description, string? pattern = null)
    {
        var schema = new JsonObject { ["type"] = "string" };
        if (pattern is not null)
        {
            schema["pattern"] = pattern;
        }

        return new JsonObject { ["name"] = name, ["in"] = "header", ["required"] = true, ["description"] = description, ["schema"] = schema };
    }

    private static JsonObject Obj(Dictionary<string, JsonNode> properties, string[] required, string? description = null)
    {
        var obj = new JsonObject { ["type"] = "object" };
        if (description is not null)
        {
            obj["description"] = description;
        }

        obj["required"] = new JsonArray(required.Select(r => (JsonNode)JsonValue.Create(r)).ToArray());
        obj["properties"] = new JsonObject(properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        return obj;
    }

    private static JsonObject Str(string description) => new() { ["type"] = "string", ["description"] = description };

    private static JsonObject Date(string description) => new() { ["type"] = "string", ["format"] = "date", ["description"] = description };

    private static JsonObject Yen(string description) => new() { ["type"] = "integer", ["description"] = description };

    private static JsonObject Enum(string description, string[] values) =>
        new() { ["type"] = "string", ["description"] = description, ["enum"] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()) };

    private static JsonObject Ref(string name) => new() { ["$ref"] = $"#/components/schemas/{name}" };
}
