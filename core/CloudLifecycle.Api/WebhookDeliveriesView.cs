using CloudLifecycle.Core.Application;
using NodaTime;

namespace CloudLifecycle.Api;

/// <summary>
/// One outgoing webhook with its delivery record, as <c>GET /webhooks/deliveries</c> lists it: <see cref="Status"/> pending,
/// sending (claimed now), delivered or failed (given up, kept); <see cref="NextAttemptAt"/> when it is tried again (pending) or
/// its claim's lease ends (sending).
/// </summary>
public sealed record WebhookDeliveryView(string Id, string Type, string ContractId, LocalDate OccurredAt, WebhookStatus Status, int Attempts,
    Instant EnqueuedAt, Instant? NextAttemptAt, Instant? DeliveredAt, int? LastStatusCode, string? LastError)
{
    public static WebhookDeliveryView Of(WebhookItem item) => new(item.Event.Id, item.Event.Type, item.Event.ContractId, item.Event.OccurredAt, item.Status, item.Attempts,
        item.EnqueuedAt, item.Status is WebhookStatus.Pending or WebhookStatus.Sending ? item.NextAttemptAt : null, item.DeliveredAt, item.LastStatusCode, item.LastError);
}

/// <summary>Outgoing webhooks, oldest first; <see cref="Configured"/> false when no endpoint is configured (then none is recorded).</summary>
public sealed record WebhookDeliveryList(bool Configured, IReadOnlyList<WebhookDeliveryView> Deliveries, int Count, bool More);
