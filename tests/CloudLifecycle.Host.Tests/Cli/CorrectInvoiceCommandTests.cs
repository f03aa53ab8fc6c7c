namespace CloudLifecycle.Host.Tests.Cli;

/// <summary>
/// <c>correct-invoice</c>, the CLI's <c>POST /invoices/{number}/corrections</c>: input it cannot read exits 2 naming the
/// option before any storage is touched (the decider's refusals exit 2 the same way, through ContractRuleException).
/// </summary>
public class CorrectInvoiceCommandTests
{
    [Theory]
    [InlineData("--kind", "refund", "--reason", "x", "--cancel-in-full")]
    [InlineData("--lines", "1:20000", "--kind", "credit-note", "--reason", "x")]
    [InlineData("--lines", "one=20000", "--kind", "credit-note", "--reason", "x")]
    public void UnreadableInput_Exits2_NamingTheOption(params string[] options)
    {
        var (exit, _, error) = CliRunner.Run(["correct-invoice", "INV-C-1-202605", .. options]);

        Assert.Equal(2, exit);
        Assert.Contains(options[0], error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingReason_Exits2()
    {
        var (exit, _, error) = CliRunner.Run("correct-invoice", "INV-C-1-202605", "--kind", "credit-note", "--cancel-in-full");

        Assert.Equal(2, exit);
        Assert.Contains("reason", error, StringComparison.Ordinal);
    }
}
