namespace CloudLifecycle.Core.Billing;

/// <summary>What an invoice document is.</summary>
public enum InvoiceKind
{
    /// <summary>The month's charges: <c>INV-{contract}-{yyyyMM}</c>.</summary>
    Monthly,

    /// <summary>Late-payment interest on an invoice paid after its due date: <c>INV-{contract}-{yyyyMM}-L{n}</c>.</summary>
    LateInterest,

    /// <summary>Amounts a clause makes due on their own date (nec-express5800 termination charges): <c>INV-{contract}-{yyyyMM}-P{n}</c>.</summary>
    TerminationCharges,

    /// <summary>A sum the provider owes the customer (OPTAGE §29-3): a credit, <c>INV-{contract}-{yyyyMM}-C{n}</c>.</summary>
    ProviderPayout,
}
