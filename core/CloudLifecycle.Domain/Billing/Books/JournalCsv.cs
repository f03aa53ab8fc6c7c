using System.Globalization;
using System.Text;
using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Billing.Books;

/// <summary>The accounting programs the journal is written for, and the code page each file is written in.</summary>
public enum JournalFormat
{
    /// <summary>弥生会計: 弥生インポート形式, 25 columns, no header row, Shift_JIS.</summary>
    Yayoi,

    /// <summary>freee会計: 仕訳 (振替伝票) import, debit/credit columns with a header row, UTF-8.</summary>
    Freee,

    /// <summary>マネーフォワード クラウド会計: 仕訳帳 import, the 27-column template with its header row, Shift_JIS.</summary>
    MoneyForward,
}

/// <summary>
/// The import CSVs of the three accounting programs, from journal lines (<see cref="Journal"/>): formatting only, as text;
/// the code page is applied by the caller (<see cref="CodePage"/>). Lines end in CRLF. Each writer cites the vendor's
/// column specification (docs/books.md lists them and what could not be confirmed).
/// </summary>
public static class JournalCsv
{
    /// <summary>Shift_JIS as Windows writes it (CP932), the code page 弥生 and MF's Excel template read.</summary>
    public const int ShiftJis = 932;

    /// <summary>UTF-8.</summary>
    public const int Utf8 = 65001;

    public static JournalFormat Parse(string text, string field) => text switch
    {
        "yayoi" => JournalFormat.Yayoi,
        "freee" => JournalFormat.Freee,
        "mf" => JournalFormat.MoneyForward,
        _ => throw new ContractRuleException(field, $"'{text}' is not a journal format (yayoi, freee or mf)"),
    };

    public static string Name(JournalFormat format) => format switch
    {
        JournalFormat.Yayoi => "yayoi",
        JournalFormat.Freee => "freee",
        _ => "mf",
    };

    /// <summary>
    /// The code page each program reads: 弥生会計 Next says 「Shift-JISかUTF-8で保存してください」 (support page_id=29668) and the
    /// desktop edition is read as Shift_JIS by every integrator (its own statement not confirmed); MF offers its template per
    /// 文字コード (ac-plus journal2/import2) and its Excel one is Shift_JIS; freee's import is written UTF-8 (its sample is
    /// UTF-8 with a BOM per secondary sources; freee's own statement not confirmed).
    /// </summary>
    public static int CodePage(JournalFormat format) => format == JournalFormat.Freee ? Utf8 : ShiftJis;

    public static string Write(JournalFormat format, IReadOnlyList<JournalLine> lines) => format switch
    {
        JournalFormat.Yayoi => Yayoi(lines),
        JournalFormat.Freee => Freee(lines),
        _ => MoneyForward(lines),
    };

    /// <summary>
    /// 弥生インポート形式 (弥生会計 05以降, support.yayoi-kk.co.jp/subcontents.html?page_id=18545), 25 columns, no header:
    /// 1 識別フラグ, 2 伝票No., 3 決算, 4 取引日付, 5–10 借方 勘定科目/補助科目/部門/税区分/金額/税金額, 11–16 貸方 the same,
    /// 17 摘要, 18 番号, 19 期日, 20 タイプ, 21 生成元, 22 仕訳メモ, 23 付箋1, 24 付箋2, 25 調整. 識別フラグ: 2000 a one-line
    /// entry; 2110 / 2100 / 2101 the first, middle and last line of a several-line 伝票. Amounts include tax (税込, 税区分
    /// 「課税売上込10%」) with the tax in 税金額. 摘要 is cut to 64 half-width positions (the column's length in public
    /// templates), the document number first.
    /// </summary>
    private static string Yayoi(IReadOnlyList<JournalLine> lines)
    {
        var csv = new StringBuilder();
        foreach (var group in lines.GroupBy(l => l.Entry))
        {
            var entry = group.ToList();
            for (var i = 0; i < entry.Count; i++)
            {
                var line = entry[i];
                var flag = entry.Count == 1 ? "2000" : i == 0 ? "2110" : i == entry.Count - 1 ? "2101" : "2100";
                Row(csv,
                [
                    flag, string.Empty, string.Empty, Date(line.Date),
                    .. Side(line.Debit, YayoiTax), .. Side(line.Credit, YayoiTax),
                    CutToWidth(line.Description, 64), string.Empty, string.Empty, "0", string.Empty, string.Empty, string.Empty, string.Empty, "no",
                ]);
            }
        }

        return csv.ToString();

        static string[] Side(JournalSide side, Func<JournalTax, string> tax) =>
            [Journal.Name(side.Account), string.Empty, string.Empty, tax(side.Tax), Yen(side.Amount), side.TaxAmount == 0 ? string.Empty : Yen(side.TaxAmount)];
    }

    /// <summary>弥生's 税区分 strings (経理方式 税込): secondary sources only; the tenant's own list wins (マッチングリスト).</summary>
    private static string YayoiTax(JournalTax tax) => tax == JournalTax.TaxableSales10 ? "課税売上込10%" : "対象外";

    /// <summary>
    /// freee 仕訳 import (support.freee.co.jp/hc/ja/articles/204847430): columns for debit and credit each, 日付 required
    /// (yyyy/MM/dd), lines of one entry share 日付 and 伝票番号; registered as 振替伝票. The column names are mapped on import.
    /// </summary>
    private static string Freee(IReadOnlyList<JournalLine> lines)
    {
        var csv = new StringBuilder();
        Row(csv, "日付", "伝票番号", "借方勘定科目", "借方税区分", "借方金額", "借方税額", "貸方勘定科目", "貸方税区分", "貸方金額", "貸方税額", "摘要");
        foreach (var line in lines)
        {
            Row(csv, Date(line.Date), line.Entry.ToString(CultureInfo.InvariantCulture),
                Journal.Name(line.Debit.Account), FreeeTax(line.Debit.Tax), Yen(line.Debit.Amount), Yen(line.Debit.TaxAmount),
                Journal.Name(line.Credit.Account), FreeeTax(line.Credit.Tax), Yen(line.Credit.Amount), Yen(line.Credit.TaxAmount),
                line.Description);
        }

        return csv.ToString();
    }

    /// <summary>freee's 税区分 names: secondary sources only (「課税売上10%」, 「対象外」).</summary>
    private static string FreeeTax(JournalTax tax) => tax == JournalTax.TaxableSales10 ? "課税売上10%" : "対象外";

    /// <summary>
    /// マネーフォワード クラウド会計 仕訳帳 import (biz.moneyforward.com/support/tax-return/guide/import-books/ib01.html; the
    /// template's A–AA, 27 columns, row 1 kept as the template has it): 取引No, 取引日, 勘定科目 and 金額 required; the lines of
    /// one compound entry share 取引日 and 取引No and balance. インボイス is left blank (MF fills 「適格」 from the 税区分).
    /// </summary>
    private static string MoneyForward(IReadOnlyList<JournalLine> lines)
    {
        var csv = new StringBuilder();
        Row(csv, "取引No", "取引日", "借方勘定科目", "借方補助科目", "借方部門", "借方取引先", "借方税区分", "借方インボイス", "借方金額(円)", "借方税額",
            "貸方勘定科目", "貸方補助科目", "貸方部門", "貸方取引先", "貸方税区分", "貸方インボイス", "貸方金額(円)", "貸方税額",
            "摘要", "仕訳メモ", "タグ", "MF仕訳タイプ", "決算整理仕訳", "作成日時", "作成者", "最終更新日時", "最終更新者");
        foreach (var line in lines)
        {
            Row(csv,
            [
                line.Entry.ToString(CultureInfo.InvariantCulture), Date(line.Date),
                .. Side(line.Debit), .. Side(line.Credit),
                line.Description, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty,
            ]);
        }

        return csv.ToString();

        static string[] Side(JournalSide side) =>
            [Journal.Name(side.Account), string.Empty, string.Empty, string.Empty, MoneyForwardTax(side.Tax), string.Empty, Yen(side.Amount), side.TaxAmount == 0 ? string.Empty : Yen(side.TaxAmount)];
    }

    /// <summary>MF's 税区分 names: secondary sources conflict (「課税売上 10%」 with a space, or 「課売 10%」); the tenant's list wins.</summary>
    private static string MoneyForwardTax(JournalTax tax) => tax == JournalTax.TaxableSales10 ? "課税売上 10%" : "対象外";

    private static string Date(LocalDate date) => date.ToString("uuuu/MM/dd", CultureInfo.InvariantCulture);

    private static string Yen(long amount) => amount.ToString(CultureInfo.InvariantCulture);

    /// <summary>Cuts <paramref name="text"/> to <paramref name="width"/> half-width positions (a full-width character takes two).</summary>
    private static string CutToWidth(string text, int width)
    {
        var used = 0;
        var cut = new StringBuilder();
        foreach (var c in text)
        {
            var w = c <= '\u007e' || c is >= '\uff61' and <= '\uff9f' ? 1 : 2;
            if (used + w > width)
            {
                break;
            }

            used += w;
            cut.Append(c);
        }

        return cut.ToString();
    }

    private static void Row(StringBuilder csv, params string[] fields)
    {
        csv.Append(string.Join(',', fields.Select(Quote))).Append("\r\n");

        static string Quote(string field) =>
            field.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
    }
}
