using CloudLifecycle.Core.Billing;
using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Billing;

public class InvoiceNumbersTests
{
    [Theory]
    [InlineData("INV-C-1-202611", "C-1", "2026-11", null)]
    [InlineData("INV-S-1-202611-C1", "S-1", "2026-11", "C1")]
    [InlineData("INV-DEMO-NTX-202611-L12", "DEMO-NTX", "2026-11", "L12")]
    [InlineData("INV-C-9-202703-P1", "C-9", "2027-03", "P1")]
    [InlineData("INV-X-202601-202602", "X-202601", "2026-02", null)]
    public void Parse_NamesTheContractMonthAndDocument(string number, string contract, string month, string? suffix) =>
        Assert.Equal((contract, YM(month), suffix), InvoiceNumbers.Parse(number));

    [Theory]
    [InlineData("C-1-202611")]
    [InlineData("INV-C-1-202613")]
    [InlineData("INV-C-1-2026")]
    [InlineData("INV--202611")]
    [InlineData("INV-C-1-202611-")]
    public void Parse_RefusesWhatIsNotANumber(string number) => Assert.Null(InvoiceNumbers.Parse(number));

    [Fact]
    public void EveryNumberTheSystemIssues_ParsesBackToItsParts() =>
        Assert.All(
            [(InvoiceAssembler.Number("C-1", YM("2026-11")), (string?)null), (LateInterestInvoice.Number("C-1", YM("2026-11"), 3), "L3"), (Core.Lifecycle.ProviderPayouts.Number("C-1", YM("2026-11"), 1), "C1")],
            x => Assert.Equal(("C-1", YM("2026-11"), x.Item2), InvoiceNumbers.Parse(x.Item1)));
}
