using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;

namespace CloudLifecycle.Core.Lifecycle;

/// <summary>
/// What a notice from the provider does once the product's terms have dated it. The terms say which
/// of their rules end the contract on the provider's notice (<see cref="DeadlineRule.BoundsStatedEnd"/>:
/// eclect-aws §30-2, NTT §14-2 and §16, OPTAGE §5-3 and §29-3); a breach notice (<c>cure</c>) opens a
/// period the customer must cure within; non-payment suspends the service (<c>nonpayment-suspension</c>)
/// or ends the contract (<c>nonpayment-termination</c>, eclect-aws §28-1(1)). Any other rule is not
/// something the provider notifies.
/// </summary>
public static class ProviderNoticeRules
{
    /// <summary>
    /// The milestone a notice under a rule creates and its effect. <see cref="NeedsStatedDate"/>: the
    /// clause only bounds how early the day may be and leaves the day itself to the provider, so the
    /// notice must state it (a discontinuation, eclect-aws §30-2 「終了する２５日前までに」, NTT §14-2; a
    /// website posting, OPTAGE §5-3 only says when the posting counts as notified, the stop date is the
    /// notice's, §5-2; a suspension the clause announces beforehand, NEC §19-2, NTT §34-2 「停止をする日…
    /// を通知」). A termination (OPTAGE §29-3, NTT §16) ends at the notice period's end unless a later day is stated.
    /// <see cref="OnNonPayment"/>: open only while an invoice is unpaid past the date the rule counts from
    /// its due date. <see cref="AccelerationRule"/>: the rule of the terms that makes every debt due at
    /// once when the contract ends this way (eclect-aws §28-4 <c>acceleration</c>).
    /// </summary>
    public sealed record Effect(MilestoneKind Kind, DeadlineEffect DeadlineEffect, Text Description, bool NeedsStatedDate = false)
    {
        public bool OnNonPayment { get; init; }

        public string? AccelerationRule { get; init; }
    }

    public const string Cure = "cure";

    public const string NonPaymentSuspension = "nonpayment-suspension";

    public const string NonPaymentTermination = "nonpayment-termination";

    /// <summary>eclect-aws §28-4: the terms' rule that dates the debts a §28 termination makes due at once.</summary>
    public const string Acceleration = "acceleration";

    private static readonly string[] EndsOnTheDayTheProviderStates = ["discontinuation", "deemed-notice"];

    private static readonly Text EndedByTheProvider = new("提供者による契約終了", "contract ended by the provider");

    private static readonly Text LastDayToCure = new("違反の是正期限", "last day to cure the breach");

    private static readonly Text SuspendedForNonPayment = new("料金未払いによるサービス利用停止", "service suspended for non-payment");

    private static readonly Text TerminatedForNonPayment = new("料金未払いによる契約解除", "contract terminated for non-payment");

    public static Effect? For(DeadlineRule rule) => rule switch
    {
        { BoundsStatedEnd: true } => new(MilestoneKind.ContractEnd, DeadlineEffect.EndsContract, EndedByTheProvider, EndsOnTheDayTheProviderStates.Contains(rule.Name)),
        { Name: Cure } => new(MilestoneKind.CureDeadline, DeadlineEffect.Deadline, LastDayToCure),
        { Name: NonPaymentSuspension } => new(MilestoneKind.ServiceSuspended, DeadlineEffect.Suspends, SuspendedForNonPayment, rule.AdvanceNoticeClause is not null) { OnNonPayment = true },
        { Name: NonPaymentTermination } => new(MilestoneKind.ContractEnd, DeadlineEffect.EndsContract, TerminatedForNonPayment) { OnNonPayment = true, AccelerationRule = Acceleration },
        _ => null,
    };

    /// <summary>
    /// Why the charges run on while the service is suspended for non-payment, in the product's own
    /// words: the contract continues, and no clause waives the fee of a suspension the customer caused.
    /// </summary>
    public static (string Clause, Text Words) ChargesWhileSuspended(ProductCode product) =>
        ChargesWhileSuspendedByProduct[product];

    // §25 「第18条による本サービスの停止期間においても…当該本サービスの提供があるものとみなして料金を算出します」; §24-2(1).
    private static readonly (string Clause, Text Words) OptageCharges = ("§25", new Text(
        "停止期間中も、本サービスの提供があるものとみなして料金を算出します（第25条、第24条第2項第1号）",
        "charges are computed as if the service were provided during the suspension (§25, §24-2(1))"));

    private static readonly Dictionary<ProductCode, (string Clause, Text Words)> ChargesWhileSuspendedByProduct = new()
    {
        // §14-2 「第２１条…の規定により本サービスの提供が停止された場合であっても、契約者は本サービスの本契約約款に基づく債務を免れない」.
        [ProductCode.EclectAws] = ("§14-2", new Text(
            "停止期間中も料金は発生します（第14条第2項「提供が停止された場合であっても…債務を免れない」）",
            "charges continue during the suspension (§14-2: the customer is not released from its obligations while the service is suspended)")),

        // No clause says so in words: the fees of §4 run for the usage period (§5-1), and §11-3(12) leaves
        // a §19 suspension out of the unusable time that §11-1 credits, so nothing reduces them.
        [ProductCode.NecExpress5800] = ("§11-3(12)", new Text(
            "停止期間中も基本料金は発生します（利用期間中の料金（第4条・第5条第1項）。第19条による停止は利用不能状態に算入されません（第11条第3項第12号））",
            "the base fee continues during the suspension: the fees run for the usage period (§4, §5-1), and a §19 suspension is not unusable time for the §11-1 credit (§11-3(12))")),

        // §35-2 「契約者は、次の場合を除き、運用メニューを利用できなかつた期間中の月額料金の支払いを要します」: the
        // exceptions are outages not the customer's fault; a suspension for its non-payment is not one.
        [ProductCode.NttEastAwsOps] = ("§35-2", new Text(
            "停止期間中も月額料金は発生します（第35条第2項「利用できなかつた期間中の月額料金の支払いを要します」。契約者の責めによらない場合に限り免除）",
            "the monthly fee continues during the suspension (§35-2: the fee for time the menu could not be used is owed, except where the customer was not at fault)")),

        [ProductCode.OptageNeutrix] = OptageCharges,
        [ProductCode.OptageStorage] = OptageCharges,
    };
}
