using System.Globalization;
using System.Text;
using static CloudLifecycle.Host.Tests.Cli.CliRunner;

namespace CloudLifecycle.Host.Tests.Cli;

/// <summary><c>export journal --demo</c>: the demo's November 2026 as the accountant imports it (issue 15.5).</summary>
public class ExportJournalCommandTests
{
    static ExportJournalCommandTests()
    {
        // Program.cs registers the code-page provider; the in-process command line needs it too.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    [Fact]
    public void TheDemosNovember_InMoneyForwardsTemplate_IsShiftJis_AndBooksThePayout_TheLateInterest_AndThePayments()
    {
        var file = Path.Combine(Path.GetTempPath(), $"journal-{Guid.NewGuid():N}.csv");
        try
        {
            var (exit, output, error) = Run("export", "journal", "--month", "2026-11", "--format", "mf", "--demo", "--out", file);

            Assert.True(exit == 0, error);
            Assert.Contains("text/csv; charset=Shift_JIS", output, StringComparison.Ordinal);
            var text = Encoding.GetEncoding(932, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback).GetString(File.ReadAllBytes(file));
            var rows = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split(',')).ToList();
            Assert.StartsWith("取引No,取引日,借方勘定科目", text, StringComparison.Ordinal);
            Assert.All(rows, r => Assert.Equal(27, r.Length));
            // README: OPTAGE pays DEMO-STO-T three months' fees, ¥66,000, on INV-DEMO-STO-T-202611-C1 (§29-3); late interest ¥5,932 on INV-DEMO-NTX-202611-L1 (§27).
            Assert.Contains(rows, r => r[2] == "雑損失" && r[10] == "未払金" && r[8] == "66000" && r[18].StartsWith("INV-DEMO-STO-T-202611-C1 ", StringComparison.Ordinal));
            Assert.Contains(rows, r => r[2] == "売掛金" && r[10] == "雑収入" && r[16] == "5932" && r[18].StartsWith("INV-DEMO-NTX-202611-L1 ", StringComparison.Ordinal));
            Assert.Contains(rows, r => r[2] == "普通預金" && r[10] == "売掛金" && r[18] == "INV-DEMO-NTX-202609 入金");
            Assert.All(rows.Skip(1), r => Assert.StartsWith("2026/11/", r[1], StringComparison.Ordinal));

            // The same month as 弥生 imports it, printed as text: the same sales at 10%, line for line.
            var (yayoiExit, yayoi, yayoiError) = Run("export", "journal", "--month", "2026-11", "--format", "yayoi", "--demo");
            Assert.True(yayoiExit == 0, yayoiError);
            var yayoiRows = yayoi.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split(',')).ToList();
            Assert.Equal(rows.Count - 1, yayoiRows.Count);
            Assert.Equal(
                rows.Where(r => r[14] == "課税売上 10%").Sum(r => long.Parse(r[16], CultureInfo.InvariantCulture)),
                yayoiRows.Where(r => r[13] == "課税売上込10%").Sum(r => long.Parse(r[14], CultureInfo.InvariantCulture)));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
