using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;

namespace CloudLifecycle.Core.Application;

/// <summary>
/// A correction as the CRM API and the CLI ask for it: the original is read from the invoice store and the request is an
/// event of the contract it belongs to, decided by the lifecycle decider (Decider/Corrections.cs), so the new document is
/// stored, sent and booked through the contract's outbox exactly once per event id.
/// </summary>
public static class InvoiceCorrections
{
    /// <summary>The trigger for <paramref name="number"/> with the original attached; refused (NotFound, naming the field) when no such document was issued.</summary>
    public static async Task<(string ContractId, CorrectionRequested Trigger)> RequestAsync(
        IInvoiceStore invoices, string number, CorrectionRequested request, string field, CancellationToken cancellationToken = default)
    {
        var original = await invoices.GetAsync(number, cancellationToken).ConfigureAwait(false)
            ?? throw new ContractRuleException(field, $"no invoice {number} was issued", kind: RefusalKind.NotFound);
        return (original.ContractId, request with { InvoiceNumber = number, Original = original });
    }
}
