namespace CloudLifecycle.Core.Billing;

/// <summary>
/// The one place that says which consumption-tax rate each charge that is not a plain monthly fee
/// carries, and why. A charge is taxed when the clause makes it a fee, or an amount measured as the
/// fee, for the service (対価); it is outside the scope of tax (不課税) when the clause makes it a
/// penalty (違約金) or damages (損害金), which compensate rather than pay for a service. Credits
/// reduce the fee they are measured from, so they carry that fee's rate and reduce its taxable
/// amount. Monthly fees, setup and initial fees are taxed at the standard rate (eclect-aws §18,
/// nec-express5800 §5-1, ntt-east-aws-ops §24, OPTAGE 別表3-6).
/// </summary>
public static class TaxTreatment
{
    /// <summary>
    /// nec-express5800 §24-2: 「期間満了までの未払いのサービス料金」 — the remaining months are
    /// named service fees, not a penalty: taxed.
    /// </summary>
    public static decimal NecCancellationRemainingFees => InvoiceAssembler.StandardRate;

    /// <summary>
    /// nec-express5800 §13 and §25-2: 「未払いのサービス料金相当額を違約金として」; §26-3 likewise calls
    /// the remaining months a penalty: outside the scope of tax.
    /// </summary>
    public static decimal NecTerminationPenalty => InvoiceAssembler.OutOfScope;

    /// <summary>nec-express5800 §29-3: the daily base fee for a removal the customer delayed is damages: outside the scope of tax.</summary>
    public static decimal NecRemovalDelayDamages => InvoiceAssembler.OutOfScope;

    /// <summary>
    /// OPTAGE §11-2: 「残余の期間に対応する所定料金に相当する額」 — the fees of the minimum term the
    /// customer committed to, paid at once. The clause does not call it 違約金 (as NEC §13 does); it is
    /// measured as, and paid in place of, the fees, which 別表3-6 bills 「消費税等相当額を加算した額」:
    /// taxed at the standard rate (interpretation).
    /// </summary>
    public static decimal OptageEarlyTermination => InvoiceAssembler.StandardRate;

    /// <summary>
    /// OPTAGE §11-3: 「契約変更前の月額利用料から契約変更後の月額利用料の額を控除し、残額に残余の期間を乗じて得た額」
    /// — a difference of fees for the committed term: taxed as §11-2 (interpretation).
    /// </summary>
    public static decimal OptageDowngrade => InvoiceAssembler.StandardRate;

    /// <summary>
    /// Outage credits (OPTAGE §24-2 「支払いを要しない料金」, ntt-east-aws-ops §35-2, nec-express5800
    /// §11-1): fees not owed, so they reduce the taxable amount of the fee they are measured from.
    /// </summary>
    public static decimal OutageCredit => InvoiceAssembler.StandardRate;
}
