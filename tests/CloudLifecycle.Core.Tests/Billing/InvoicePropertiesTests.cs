using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CsCheck;
using static CloudLifecycle.Core.Tests.Billing.BillingFixtures;

namespace CloudLifecycle.Core.Tests.Billing;

/// <summary>Rules that hold for every invoice, over thousands of random inputs of every product.</summary>
public class InvoicePropertiesTests
{
    private static readonly Gen<BillingInput> OptageInputs =
        Gen.Select(Gen.Int[0, 3], Gen.Int[1, 60], Gen.Bool, Gen.Int[0, 1000], Gen.Bool)
            .Select((plan, components, windows, hours, graduated) => Optage(plan: new[] { "entry", "standard", "advanced", "premium" }[plan], components: components) with
            {
                Windows = windows, Outage = new ServiceOutage(hours), ResourceFee = hours * 10,
                ComponentPricing = graduated ? ComponentPricing.Graduated : ComponentPricing.Volume,
            });

    private static readonly Gen<BillingInput> Inputs = Gen.OneOf(
        Gen.Select(Gen.Decimal[0m, 50_000m], Gen.Decimal[80m, 200m], Gen.Int[0, 20])
            .Select((usd, fx, months) => Eclect(month: Month("2026-03").PlusMonths(months).ToString("uuuu-MM", null), usd: decimal.Round(usd, 2), fx: decimal.Round(fx, 2))),
        Gen.Select(Gen.Int[0, 500_000], Gen.Decimal[0m, 10_000m], Gen.Int[0, 59], Gen.Int[0, 31])
            .Select((baseFee, quantity, months, down) => Nec(Month("2026-04").PlusMonths(months).ToString("uuuu-MM", null)) with
            {
                BaseFee = baseFee, Quantity = decimal.Round(quantity, 3),
                NecOutage = months > 0 && down >= 10
                    ? new NecOutage(Month("2026-04").PlusMonths(months - 1).OnDayOfMonth(1), Math.Min(down, 28), Month("2026-04").PlusMonths(months - 1).OnDayOfMonth(12))
                    : null,
            }),
        Gen.Select(Gen.Int[0, 2], Gen.Int[1, 40], Gen.Int[0, 1000], Gen.Bool)
            .Select((plan, components, hours, gross) => Ntt() with
            {
                Plan = new[] { "entry", "standard", "advanced" }[plan], Components = components,
                Outage = new ServiceOutage(hours, gross), QualifiedInvoiceRequested = gross,
            }),
        OptageInputs);

    [Fact]
    public void Tax_IsThePerRateRoundingOfThePerRateSubtotal() =>
        Inputs.Sample(input =>
        {
            var billing = BillingCatalog.For(input.Product);
            var invoice = billing.Invoice(input);
            foreach (var summary in invoice.TaxSummaries)
            {
                var taxable = invoice.Lines.Where(l => l.TaxRate == summary.Rate).Sum(l => l.Amount);
                Assert.Equal(taxable, summary.TaxableAmount);
                Assert.Equal(billing.TaxRounding.Policy.Apply(taxable * summary.Rate), summary.Tax);
            }
        }, iter: Generators.Iterations);

    [Fact]
    public void Totals_AddUp_AndNeverGoNegative() =>
        Inputs.Sample(input =>
        {
            var invoice = Bill(input);
            Assert.Equal(invoice.Lines.Sum(l => l.Amount), invoice.Subtotal);
            Assert.Equal(invoice.TaxSummaries.Sum(t => t.Tax), invoice.Tax);
            Assert.Equal(invoice.Subtotal + invoice.Tax, invoice.Total);
            Assert.True(invoice.Total >= 0, $"negative total {invoice.Total}");
            Assert.All(invoice.Lines, l => Assert.False(string.IsNullOrEmpty(l.Clause)));
        }, iter: Generators.Iterations);

    [Fact]
    public void Invoice_IsAPureFunctionOfItsInput() =>
        Inputs.Sample(input =>
        {
            var first = Bill(input);
            var second = Bill(input with { });
            Assert.Equal(first.Number, second.Number);
            Assert.Equal(first.Lines, second.Lines);
            Assert.Equal((first.IssueDate, first.DueDate, first.Total), (second.IssueDate, second.DueDate, second.Total));
        }, iter: 1_000);

    [Fact]
    public void OptageComponentLine_ItsPrintedComputationAddsUpToItsAmount() =>
        OptageInputs.Sample(input =>
        {
            var line = Bill(input).Lines.Single(l => l.Code == "managed-components");
            var computation = line.Description.En["components ".Length..].Replace(" Windows prices", string.Empty, StringComparison.Ordinal);
            var steps = computation.Split(" + ").Select(step => step.Split(" × ").Select(n => decimal.Parse(n, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToList();

            Assert.Equal(line.Amount, steps.Sum(step => step[0] * step[1]));
            Assert.Equal(input.Components, (int)steps.Sum(step => step[0]));
            var bandsFilled = input.Components switch { <= 5 => 1, <= 20 => 2, _ => 3 };
            Assert.Equal(input.ComponentPricing == ComponentPricing.Volume ? 1 : bandsFilled, steps.Count);
        }, iter: Generators.Iterations);
}
