using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle;

/// <summary>
/// OPTAGE §29-3: the provider may end the contract at any time on 30 days' notice 「通知を行った時点での
/// 利用契約に基づく本サービスの利用料金(消費税相当額を除きます。)3カ月分に相当する金員を支払うことにより」.
/// The sum is owed to the customer and is shown as a credit document beside the invoices.
/// Interpretations (docs/terms.md): the fees are the monthly fees the contract fixes in the notice's
/// month — managed service base and components (別表2), options, and the resource fee recorded for that
/// month (別表3-1; usage is never estimated); one-off fees are not monthly fees. The sum is compensation
/// for ending the contract, not a return of consideration for a service (対価の返還), so it is outside the
/// scope of consumption tax and the document is a credit statement, not a 適格返還請求書.
/// </summary>
public static class ProviderPayouts
{
    private static readonly HashSet<string> MonthlyFeeCodes = new(StringComparer.Ordinal) { "managed-base", "managed-components", "metric-relaxation", "resource-fee" };

    public static string Number(string contractId, YearMonth month, int sequence) =>
        $"{InvoiceAssembler.Number(contractId, month)}-C{sequence}";

    /// <summary>
    /// The credit document for a provider's notice under <paramref name="rule"/>, or null when the rule pays nothing;
    /// dated <paramref name="issuedOn"/>, the day it is issued (a notice told days after it was given is documented then).
    /// </summary>
    public static Invoice? For(ContractState state, DeadlineRule rule, LocalDate noticeDate, LocalDate end, int sequence, LocalDate issuedOn)
    {
        if (rule.PayoutMonths <= 0)
        {
            return null;
        }

        var month = noticeDate.ToYearMonth();
        var recorded = state.Usage.FirstOrDefault(u => u.Month == month)?.ResourceFee ?? 0m;
        var preview = BillingInputs.Preview(state, month) with { ResourceFee = recorded, End = null, AddedComponents = 0, DowngradedFrom = null };
        var monthly = BillingCatalog.For(state.Product).Invoice(preview).Lines.Where(l => MonthlyFeeCodes.Contains(l.Code)).Sum(l => l.Amount);
        var line = InvoiceAssembler.Line(
            "provider-payout",
            new Text($"当社による解除に伴う支払（通知時点の月額利用料金{monthly:N0}円（税抜）× {rule.PayoutMonths}か月）", $"paid for the provider's termination (monthly fees at the notice ¥{monthly:N0}, tax excluded, × {rule.PayoutMonths} months)"),
            -monthly * rule.PayoutMonths,
            rule.Clause,
            quantity: rule.PayoutMonths,
            unitPrice: monthly,
            taxRate: InvoiceAssembler.OutOfScope);
        var input = preview with { Month = month };
        // 「支払うことにより…解除することができる」: the payment is the condition of the termination, so it is due by the end.
        return InvoiceAssembler.Assemble(input, [line], (issuedOn, end < issuedOn ? issuedOn : end, rule.Clause), RoundingRule.OurPolicy, rule.Clause) with
        {
            Number = Number(state.ContractId, month, sequence),
            Kind = InvoiceKind.ProviderPayout,
        };
    }
}
