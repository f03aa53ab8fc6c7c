using System.Text.Json;
using CloudLifecycle.Host.Cli;

namespace CloudLifecycle.Host.Tests.Cli;

public class DemoCommandTests
{
    [Fact]
    public void Demo_TwoYearsOfFiveContracts_PrintsTheTimelineAndWritesEmailsAndInvoices()
    {
        var outDir = Path.Combine(Path.GetTempPath(), "cl-demo-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();

            var exit = CommandLineApp.Run(["demo", "--out", outDir], stdout, stderr);

            Assert.Equal(0, exit);
            Assert.DoesNotContain("refused:", stderr.ToString(), StringComparison.Ordinal);
            Assert.Contains("[########################] 2028-03", stderr.ToString(), StringComparison.Ordinal);
            var text = stdout.ToString();
            Assert.Contains("DEMO-STO  milestone earlyTerminationCharge       §11-2", text, StringComparison.Ordinal);
            Assert.Contains("DEMO-NTX  email     paymentOverdue               §27", text, StringComparison.Ordinal);
            Assert.Contains("2027-03-05  DEMO-NTT  email     suspensionAnnounced          §34-1(1)", text, StringComparison.Ordinal);
            Assert.Contains("2027-03-12  DEMO-NTT  milestone serviceSuspended             §34-1(1)", text, StringComparison.Ordinal);
            Assert.Contains("2027-03-19  DEMO-NTT  event     serviceResumed               §34-1(1)", text, StringComparison.Ordinal);
            Assert.Contains("DEMO-NEC  milestone equipmentRemoval             §29-1", text, StringComparison.Ordinal);
            // §2-3: the request is pending until NEC approves it, with a new base fee from the day after the old end (2027-12-31).
            Assert.Contains("2026-11-10  DEMO-NEC  event     extensionRequested           §2-3", text, StringComparison.Ordinal);
            Assert.Contains("2026-11-10  DEMO-NEC  email     extensionRequestReceived     §2-3", text, StringComparison.Ordinal);
            Assert.Contains("2026-12-15  DEMO-NEC  event     extensionApproved            §2-3", text, StringComparison.Ordinal);
            Assert.Contains("2026-12-15  DEMO-NEC  email     extensionConfirmed           §2-3", text, StringComparison.Ordinal);
            Assert.Contains("2028-02-29  DEMO-NEC  milestone usagePeriodEnd               §2-2", text, StringComparison.Ordinal);
            Assert.Equal((120_000, 130_000), (NecBaseFee(outDir, "2027-12"), NecBaseFee(outDir, "2028-01")));
            Assert.True(File.Exists(Path.Combine(outDir, "invoices", "2026-04", "INV-DEMO-NEC-202604.html")));
            Assert.True(File.Exists(Path.Combine(outDir, "invoices", "2026-04", "INV-DEMO-NEC-202604.json")));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(outDir, "emails"), "*.eml"));
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }

    /// <summary>
    /// Issue 15 point 6: the demo follows its simulated clock — invoices are dated the day the run issued them (the eclect-aws
    /// October invoice on 11-01, not its §16-1 deadline 11-30), every email's <c>Date:</c> is a simulated 09:00 Tokyo, and
    /// the MIME boundaries come from the message id — so two runs write byte-identical files.
    /// </summary>
    [Fact]
    public void Demo_TwoRuns_WriteByteIdenticalFiles_DatedByTheSimulatedClock()
    {
        var first = Path.Combine(Path.GetTempPath(), "cl-demo-" + Guid.NewGuid().ToString("N"));
        var second = Path.Combine(Path.GetTempPath(), "cl-demo-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var outDir in new[] { first, second })
            {
                using var stdout = new StringWriter();
                using var stderr = new StringWriter();
                Assert.Equal(0, CommandLineApp.Run(["demo", "--out", outDir], stdout, stderr));
            }

            var files = Directory.GetFiles(first, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(first, f)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(files, Directory.GetFiles(second, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(second, f)).Order(StringComparer.Ordinal).ToList());
            Assert.All(files, f => Assert.True(File.ReadAllBytes(Path.Combine(first, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(second, f))), $"{f} differs between two demo runs"));

            using var october = JsonDocument.Parse(File.ReadAllText(Path.Combine(first, "invoices", "2026-10", "INV-DEMO-ECL-202610.json")));
            Assert.Equal("2026-11-01", october.RootElement.GetProperty("issueDate").GetString());
            var invoiceMail = Directory.GetFiles(Path.Combine(first, "emails"), "*.eml").Select(File.ReadAllText).Single(m => m.Contains("filename=INV-DEMO-ECL-202610.pdf", StringComparison.Ordinal));
            Assert.Contains("Date: Sun, 01 Nov 2026 09:00:00 +0900\r\n", invoiceMail, StringComparison.Ordinal);
            // Issue 15 point 7: CRLF line ends only, and every text part says how it is encoded.
            Assert.DoesNotContain("\n", invoiceMail.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(invoiceMail, "Content-Type: text/(plain|html); charset=utf-8\r\nContent-Transfer-Encoding: base64"));
        }
        finally
        {
            foreach (var outDir in new[] { first, second })
            {
                if (Directory.Exists(outDir))
                {
                    Directory.Delete(outDir, recursive: true);
                }
            }
        }
    }

    /// <summary>The base-fee line of DEMO-NEC's invoice for <paramref name="month"/> (yyyy-MM), as written under the invoices folder.</summary>
    private static long NecBaseFee(string outDir, string month)
    {
        var path = Directory.GetFiles(Path.Combine(outDir, "invoices"), $"INV-DEMO-NEC-{month.Replace("-", string.Empty, StringComparison.Ordinal)}.json", SearchOption.AllDirectories).Single();
        using var invoice = JsonDocument.Parse(File.ReadAllText(path));
        return invoice.RootElement.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("code").GetString() == "base-fee").GetProperty("amount").GetInt64();
    }
}
