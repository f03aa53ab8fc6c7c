using System.Text.RegularExpressions;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using CloudLifecycle.Core.Time;
using CsCheck;
using NodaTime;

namespace CloudLifecycle.Core.Tests.Terms;

/// <summary>
/// Plans format the text of their repeating milestones (monthly notice deadlines, invoice and payment due dates, renewal
/// declarations) only when it is read (issue 17). What a reader sees must not change: each text names its own month
/// or term end, however late it is read, and a milestone is equal to one made with the same words.
/// </summary>
public partial class LazyMilestoneTextTests
{
    private static readonly Gen<(ProductCode Product, ContractDates Contract)> Contracts =
        Gen.Select(Gen.Int[0, ProductCode.All.Count - 1], Generators.Date.Where(d => d.Year <= 2090), Gen.Int[13, 84], Gen.Bool)
            .Select((index, start, months, ended) =>
            {
                var product = ProductCode.All[index];
                var end = start.PlusMonths(months).PlusDays(-1);
                var contract = product == ProductCode.NecExpress5800
                    ? new ContractDates(start, end)
                    : product == ProductCode.EclectAws && ended
                        ? new ContractDates(start, new LocalDate(end.Year, end.Month, EclectAwsTerms.CutOffDay))
                        : new ContractDates(start);
                return (product, contract);
            });

    [Fact]
    public void RepeatingMilestones_ReadAfterThePlanIsBuilt_NameTheirOwnDates() =>
        Contracts.Sample(c =>
        {
            var terms = ProductCatalog.For(c.Product);
            // Built in full first, read afterwards: a text that read a loop's variable late would name the last month.
            var plan = terms.Plan(c.Contract).Milestones.ToList();
            var termEnds = plan.Where(m => m.Kind is MilestoneKind.TermEnd or MilestoneKind.MinimumTermEnd).Select(m => m.Date).ToList();
            foreach (var milestone in plan)
            {
                switch (milestone.Kind)
                {
                    case MilestoneKind.PaymentDue:
                        // §16-2 and the other products' payment clauses: the month named is the month whose charges fall due that day.
                        Assert.Equal(milestone.Date, terms.PaymentDueDate(Month(PaymentMonth(), milestone.Description.En)));
                        break;
                    case MilestoneKind.InvoiceDeadline:
                        // eclect-aws §16-1: invoiced by the end of the month after the usage month.
                        Assert.Equal(milestone.Date, Month(InvoiceMonth(), milestone.Description.En).PlusMonths(1).EndOfMonth());
                        break;
                    case MilestoneKind.CancellationNoticeDeadline when c.Product == ProductCode.EclectAws:
                        // §27-1: the notice deadline is the 15th of the month before the cancellation date it names.
                        Assert.Equal(milestone.Date, EclectAwsTerms.NoticeDeadline(Date(CancelOn(), milestone.Description.En)));
                        break;
                    case MilestoneKind.RenewalDeclarationDeadline:
                        // OPTAGE §5: the declaration deadline names the term end it comes one month before.
                        var expiry = Date(TermExpires(), milestone.Description.En);
                        Assert.Equal(termEnds.Where(d => d > milestone.Date).DefaultIfEmpty(expiry).Min(), expiry);
                        break;
                }
            }
        }, iter: 300);

    [Fact]
    public void Milestones_AreEqualAndSerialiseAlikeWhetherOrNotTheirTextWasRead() =>
        Contracts.Sample(c =>
        {
            var terms = ProductCatalog.For(c.Product);
            var read = terms.Plan(c.Contract).Milestones;
            _ = read.Select(m => m.Description).ToList();
            var unread = terms.Plan(c.Contract).Milestones;
            var eager = read.Select(m => new Milestone(m.Date, m.Kind, m.Clause, m.Description)).ToList();

            Assert.Equal(eager, unread);
            Assert.Equal(eager.Select(m => m.GetHashCode()), terms.Plan(c.Contract).Milestones.Select(m => m.GetHashCode()));
            Assert.Equal(LifecycleJson.Serialize(eager), LifecycleJson.Serialize(terms.Plan(c.Contract).Milestones));
            Assert.Equal(eager, LifecycleJson.Deserialize<List<Milestone>>(LifecycleJson.Serialize(unread)));
        }, iter: 100);

    private static YearMonth Month(Regex pattern, string text) =>
        NodaTime.Text.YearMonthPattern.Iso.Parse(pattern.Match(text).Groups[1].Value).GetValueOrThrow();

    private static LocalDate Date(Regex pattern, string text) =>
        NodaTime.Text.LocalDatePattern.Iso.Parse(pattern.Match(text).Groups[1].Value).GetValueOrThrow();

    [GeneratedRegex(@"^payment due for (\d{4}-\d{2})")]
    private static partial Regex PaymentMonth();

    [GeneratedRegex(@"^invoice for (\d{4}-\d{2}) usage")]
    private static partial Regex InvoiceMonth();

    [GeneratedRegex(@"cancel on (\d{4}-\d{2}-\d{2})")]
    private static partial Regex CancelOn();

    [GeneratedRegex(@"term expires on (\d{4}-\d{2}-\d{2})")]
    private static partial Regex TermExpires();
}
