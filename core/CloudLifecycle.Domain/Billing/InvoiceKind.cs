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

    /// <summary>
    /// A credit note (適格返還請求書, 消費税法 §57-4(3)): a return of part or all of an issued invoice's price, with the
    /// returned amount and its tax per rate; <c>INV-{contract}-{yyyyMM}-R{n}</c>, numbered by the month it is issued in.
    /// </summary>
    CreditNote,

    /// <summary>
    /// A corrected invoice (修正した適格請求書, §57-4(4)): the original reissued with every item corrected, which replaces it;
    /// <c>INV-{contract}-{yyyyMM}-M{n}</c>, numbered by the month it is issued in.
    /// </summary>
    CorrectedInvoice,
}
