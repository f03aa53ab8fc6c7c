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
}
