using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Time;
using NodaTime;
using static CloudLifecycle.Core.Tests.Billing.BillingFixtures;
using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Billing;

/// <summary>Twelve invoices in a row per product: numbers, issue and due dates, and the first-month rules.</summary>
public class WholeYearScenarioTests
{
    private static List<Invoice> Year(BillingInput first) =>
        Enumerable.Range(0, 12).Select(i => Bill(first with { Month = first.Month.PlusMonths(i) })).ToList();

    [Fact]
    public void EclectAws_FromTheSigningMonth()
    {
        var invoices = Year(Eclect(month: "2026-03", usd: 500m, fx: 150m));

        Assert.Equal(Enumerable.Range(0, 12).Select(i => new YearMonth(2026, 3).PlusMonths(i).PlusMonths(2)).Select(m => PaymentDays.DueDate(m.OnDayOfMonth(m.Calendar.GetDaysInMonth(m.Year, m.Month)))),
            invoices.Select(i => i.DueDate));
        Assert.Equal(0, Amount(invoices[0], "aws-support"));              // first month free
        Assert.All(invoices.Skip(1), i => Assert.Equal(7_500, Amount(i, "aws-support")));
        Assert.Equal(12, invoices.Select(i => i.Number).Distinct().Count());
        Assert.Equal("INV-C-ECL-202702", invoices[^1].Number);
        Assert.Equal(D("2027-04-30"), invoices[^1].DueDate);
    }

    [Fact]
    public void Nec_TwelveInvoicesDueTheMonthAfterIssue()
    {
        var invoices = Year(Nec("2026-04"));

        Assert.All(invoices, i => Assert.Equal(201_300, i.Total));
        // month ends, moved off bank holidays (民法 §142): Saturday 10-31, 12-31, Sunday 01-31, Sunday 02-28
        Assert.Equal([D("2026-06-30"), D("2026-07-31"), D("2026-08-31"), D("2026-09-30"), D("2026-11-02"), D("2026-11-30"),
                      D("2027-01-04"), D("2027-02-01"), D("2027-03-01"), D("2027-03-31"), D("2027-04-30"), D("2027-05-31")],
            invoices.Select(i => i.DueDate));
        Assert.All(invoices, i => Assert.True(i.IssueDate.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday)));
    }

    [Fact]
    public void Ntt_StartMonthEmptyThenMonthly()
    {
        var invoices = Year(Ntt("2026-10"));

        Assert.Equal(0, invoices[0].Total);
        Assert.All(invoices.Skip(1), i => Assert.Equal(66_000, i.Total));
        Assert.All(invoices, i => Assert.Equal(PaymentDays.DueDate(i.IssueDate.ToYearMonth().PlusMonths(1).OnDayOfMonth(1).PlusDays(-1)), i.DueDate)); // due by the end of the invoice month, moved off a bank holiday
        Assert.Equal(D("2027-01-04"), invoices[2].IssueDate); // December's invoice: after the year-end closure
    }

    [Fact]
    public void Optage_InitialFeeOnceThenFlatMonths()
    {
        var invoices = Year(Optage(month: "2026-04", components: 6));

        Assert.Single(invoices, i => i.Lines.Any(l => l.Code == "initial-fee"));
        Assert.All(invoices.Skip(1), i => Assert.Equal(invoices[1].Total, i.Total));
        Assert.Equal(D("2027-04-30"), invoices[^1].DueDate);
        Assert.Equal(D("2026-05-07"), invoices[0].IssueDate); // OPTAGE closes on May 1 and Golden Week
    }
}
