using System.Text.RegularExpressions;
using CloudLifecycle.Core.Contracts;

namespace CloudLifecycle.Core.Billing;

/// <summary>
/// The account a customer pays into (振込先), printed on every document that asks for payment (issue 15: "bank transfer
/// details (configurable)"). It travels with the <see cref="Issuer"/> into each document as issued, so a later change
/// of account never alters an invoice already sent. Every contract's terms ask for payment by transfer to the
/// provider's designated account (eclect-aws §16-2 「当社が指定する銀行口座への振込により」, nec-express5800 §5-1 「当社の指定する銀行口座に振込む方法により」), and none names the
/// account: it is configuration, never code.
/// </summary>
public sealed partial record BankTransfer
{
    public BankTransfer(string bank, string branch, string accountType, string accountNumber, string accountHolder)
    {
        Bank = Required(bank, "bank", "the bank's name");
        Branch = Required(branch, "branch", "the branch's name");
        AccountType = Required(accountType, "accountType", "the account type") is var type && type is "普通" or "当座"
            ? type
            : throw new ContractRuleException("issuer.transfer.accountType", $"'{accountType}' is not an account type (普通 or 当座)");
        AccountNumber = AccountNumberPattern().IsMatch(accountNumber?.Trim() ?? string.Empty)
            ? accountNumber!.Trim()
            : throw new ContractRuleException("issuer.transfer.accountNumber", $"'{accountNumber}' is not an account number (7 digits, as Japanese banks number them)");
        AccountHolder = Required(accountHolder, "accountHolder", "the account holder's name (as the bank shows it, e.g. in katakana)");
    }

    public string Bank { get; }

    public string Branch { get; }

    public string AccountType { get; }

    public string AccountNumber { get; }

    public string AccountHolder { get; }

    /// <summary>The account as one line, the way a Japanese invoice prints it: bank, branch, type, number, holder.</summary>
    public override string ToString() => $"{Bank} {Branch} {AccountType} {AccountNumber} {AccountHolder}";

    private static string Required(string value, string field, string what) =>
        string.IsNullOrWhiteSpace(value) ? throw new ContractRuleException($"issuer.transfer.{field}", $"{what} is required for a bank transfer account") : value.Trim();

    [GeneratedRegex("^[0-9]{7}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountNumberPattern();
}
