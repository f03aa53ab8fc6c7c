using System.Globalization;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Core.Billing.Books;

/// <summary>The accounts the journal books to, by the default names 弥生会計, freee and マネーフォワード クラウド会計 ship with.</summary>
public enum Account
{
    /// <summary>売掛金: what a customer owes on an issued invoice.</summary>
    AccountsReceivable,

    /// <summary>売上高: the taxable charges of the documents.</summary>
    Sales,

    /// <summary>雑収入: amounts outside the scope of consumption tax a customer owes — late interest (遅延損害金), NEC's penalties and damages.</summary>
    MiscellaneousIncome,

    /// <summary>普通預金: the bank account payments arrive in and payouts leave from.</summary>
    BankDeposit,

    /// <summary>雑損失: a sum we pay the customer for ending the contract (OPTAGE §29-3), not a return of a service's price.</summary>
    MiscellaneousLoss,

    /// <summary>未払金: that sum until it is paid out.</summary>
    AccountsPayable,
}

/// <summary>The consumption-tax treatment of one side of a journal line; each import format writes its own label for it.</summary>
public enum JournalTax
{
    /// <summary>A balance-sheet account or a sum outside the scope of consumption tax (不課税: late interest, penalties, the §29-3 payout): 対象外.</summary>
    NotApplicable,

    /// <summary>A taxable sale at the standard rate, 10%: 課税売上10%.</summary>
    TaxableSales10,
}

/// <summary>One side of a journal line: account, tax treatment, amount including tax, and the tax in it.</summary>
public sealed record JournalSide(Account Account, JournalTax Tax, long Amount, long TaxAmount);

/// <summary>
/// One journal line, debit and credit of the same amount. <see cref="Entry"/> groups the lines of one
/// document (one per tax rate), which the import formats write as one compound entry (伝票).
/// </summary>
public sealed record JournalLine(int Entry, LocalDate Date, JournalSide Debit, JournalSide Credit, string Description, string Reference);

/// <summary>A payment recorded against an invoice (入金), or a sum paid out to the customer (支払), read from the contract's history.</summary>
public sealed record Receipt(string InvoiceNumber, LocalDate PaidOn, long Amount, bool PaidOut);

/// <summary>
/// The month's documents and payments as journal lines (仕訳): a pure mapping, the same for every import format.
/// Rules (docs/books.md states each with its reason):
/// <list type="bullet">
/// <item>Sales (売上): each issued document is one entry, one line per tax rate it carries — 売掛金 / 売上高 for the rate's
/// amount including tax, with the rate's tax as the document computed it once per rate (適格請求書, 消費税法 §57-4(1)).
/// Amounts outside the scope of tax (late interest, penalties and damages: TaxTreatment.cs) are not consideration for a
/// service: 売掛金 / 雑収入, 対象外.
/// A rate whose amount is negative (credits larger than the charges at that rate) is booked the other way round.</item>
/// <item>A provider payout (OPTAGE §29-3, the <c>-C</c> documents) is money flowing back to the customer: a compensation
/// for ending the contract, outside the scope of consumption tax and not a reduction of sales (ProviderPayouts.cs) —
/// 雑損失 / 未払金 when the statement is issued, 未払金 / 普通預金 when it is paid out.</item>
/// <item>Corrections (消費税法 §57-4(3)/(4)): a credit note's rates are negative, so each is booked the other way round —
/// 売上高 (課税売上10%) / 売掛金, the reversal of the returned part (売上値引・返品 booked as negative sales, 税区分 課税売上10%).
/// A corrected invoice replaces what the customer was charged: its entry first reverses the amounts per rate it replaces
/// (赤伝) and then books its own (黒伝), so the books hold the corrected figures and the original stays as issued.</item>
/// <item>Receipts (入金): 普通預金 / 売掛金 on the day the payment was recorded as paid.</item>
/// <item>取引日: the document's 発行日, or the last day of its month when it was issued after that month (the month's
/// charges, issued early the next month, are that month's sales: the service was rendered in it — 発生主義).</item>
/// <item>摘要: the document number first, then the customer, so the number survives a format's length limit.</item>
/// </list>
/// </summary>
public static class Journal
{
    /// <summary>Journal lines for the documents of one month (<see cref="Invoice.Month"/>) and the receipts recorded in it.</summary>
    public static IReadOnlyList<JournalLine> For(YearMonth month, IEnumerable<Invoice> documents, IEnumerable<Receipt> receipts)
    {
        var lines = new List<JournalLine>();
        var entry = 0;
        foreach (var document in documents.Where(d => d.Month == month).OrderBy(d => TransactionDate(d)).ThenBy(d => d.Number, StringComparer.Ordinal))
        {
            var sales = Sales(++entry, document);
            if (sales.Count == 0)
            {
                entry--;
            }

            lines.AddRange(sales);
        }

        foreach (var receipt in receipts.Where(r => r.PaidOn.ToYearMonth() == month).OrderBy(r => r.PaidOn).ThenBy(r => r.InvoiceNumber, StringComparer.Ordinal))
        {
            lines.Add(ReceiptLine(++entry, receipt));
        }

        return lines;
    }

    /// <summary>
    /// The day a document is booked: its 発行日, unless it was issued after its month ended (the month's invoice, issued
    /// at the start of the next month) — then the month's last day, the month the service was rendered in.
    /// </summary>
    public static LocalDate TransactionDate(Invoice document)
    {
        var monthEnd = document.Month.OnDayOfMonth(document.Month.Calendar.GetDaysInMonth(document.Month.Year, document.Month.Month));
        return document.IssueDate > monthEnd ? monthEnd : document.IssueDate;
    }

    /// <summary>The tax treatment of a rate the invoices carry: 10% taxable, 0% outside the scope (InvoiceAssembler.OutOfScope).</summary>
    public static JournalTax TaxFor(decimal rate) => rate switch
    {
        InvoiceAssembler.StandardRate => JournalTax.TaxableSales10,
        InvoiceAssembler.OutOfScope => JournalTax.NotApplicable,
        _ => throw new ContractRuleException("taxRate", string.Create(CultureInfo.InvariantCulture, $"no journal tax category for a rate of {rate:0.##%}: only 10% and out-of-scope are billed")),
    };

    private static List<JournalLine> Sales(int entry, Invoice document)
    {
        var date = TransactionDate(document);
        var description = $"{document.Number} {document.Recipient}";
        var lines = new List<JournalLine>();
        IEnumerable<TaxSummary> reversed = document.Kind == InvoiceKind.CorrectedInvoice && document.Correction is { } c
            ? c.Replaced.Select(r => r with { TaxableAmount = -r.TaxableAmount, Tax = -r.Tax })
            : [];
        foreach (var rate in reversed.Concat(document.TaxSummaries.OrderByDescending(s => s.Rate)))
        {
            var gross = rate.TaxableAmount + rate.Tax;
            if (gross == 0)
            {
                continue;
            }

            var tax = TaxFor(rate.Rate);
            var amount = Math.Abs(gross);
            var taxAmount = Math.Abs(rate.Tax);
            if (document.Kind == InvoiceKind.ProviderPayout)
            {
                // A payout statement's total is negative: what we owe the customer, booked as a loss we still have to pay.
                lines.Add(new JournalLine(entry, date,
                    new JournalSide(Account.MiscellaneousLoss, JournalTax.NotApplicable, amount, 0),
                    new JournalSide(Account.AccountsPayable, JournalTax.NotApplicable, amount, 0),
                    description, document.Number));
                continue;
            }

            var receivable = new JournalSide(Account.AccountsReceivable, JournalTax.NotApplicable, amount, 0);
            var sales = new JournalSide(tax == JournalTax.TaxableSales10 ? Account.Sales : Account.MiscellaneousIncome, tax, amount, taxAmount);
            lines.Add(gross > 0
                ? new JournalLine(entry, date, receivable, sales, description, document.Number)
                : new JournalLine(entry, date, sales, receivable, description, document.Number));
        }

        return lines;
    }

    private static JournalLine ReceiptLine(int entry, Receipt receipt)
    {
        var bank = new JournalSide(Account.BankDeposit, JournalTax.NotApplicable, receipt.Amount, 0);
        // A refund on a credit note (-R) settles the receivable its reversal made negative; a payout settles what we owed (未払金).
        var settled = InvoiceNumbers.Parse(receipt.InvoiceNumber)?.Suffix is ['R', ..] ? Account.AccountsReceivable : Account.AccountsPayable;
        return receipt.PaidOut
            ? new JournalLine(entry, receipt.PaidOn, new JournalSide(settled, JournalTax.NotApplicable, receipt.Amount, 0), bank, $"{receipt.InvoiceNumber} 支払", receipt.InvoiceNumber)
            : new JournalLine(entry, receipt.PaidOn, bank, new JournalSide(Account.AccountsReceivable, JournalTax.NotApplicable, receipt.Amount, 0), $"{receipt.InvoiceNumber} 入金", receipt.InvoiceNumber);
    }

    /// <summary>The account's name as the three vendors' default chart of accounts spells it.</summary>
    public static string Name(Account account) => account switch
    {
        Account.AccountsReceivable => "売掛金",
        Account.Sales => "売上高",
        Account.MiscellaneousIncome => "雑収入",
        Account.BankDeposit => "普通預金",
        Account.MiscellaneousLoss => "雑損失",
        Account.AccountsPayable => "未払金",
        _ => throw new ArgumentOutOfRangeException(nameof(account), account, null),
    };
}

/// <summary>
/// Payments as the contract's history records them (Lifecycle/Decider/Payments.cs): a payment under the key
/// <c>event/payment/{invoice}/{yyyy-MM-dd}/{amount}</c> (kind PaymentReceived), a payout under
/// <c>event/payout/{invoice}/{yyyy-MM-dd}/{amount}</c> (kind PaidOut). The key is the record's id, so it is read here.
/// </summary>
public static class Receipts
{
    public static Receipt? FromHistory(HistoryEntry entry)
    {
        var paidOut = entry.Kind switch
        {
            "PaymentReceived" => false,
            "PaidOut" => true,
            _ => (bool?)null,
        };
        if (paidOut is null)
        {
            return null;
        }

        var parts = entry.Key.Split('/');
        return parts.Length == 5 && long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            ? new Receipt(parts[2], entry.Date, amount, paidOut.Value)
            : null;
    }
}
