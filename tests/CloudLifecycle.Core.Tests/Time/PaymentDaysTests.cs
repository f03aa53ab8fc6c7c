using CloudLifecycle.Core.Calendars;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using CloudLifecycle.Core.Time;
using CsCheck;
using NodaTime;

using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Time;

/// <summary>民法 §142 for payment due dates: a due date the banks are closed on moves to their next business day.</summary>
public class PaymentDaysTests
{
    [Theory]
    [InlineData("2026-12-31", "2027-01-04")] // 12/31–1/3 bank holidays (銀行法施行令 §5), then Monday
    [InlineData("2027-01-31", "2027-02-01")] // Sunday
    [InlineData("2026-10-31", "2026-11-02")] // Saturday
    [InlineData("2027-05-03", "2027-05-06")] // Golden Week: 5/3, 5/4, 5/5 holidays
    [InlineData("2026-11-30", "2026-11-30")] // a Monday stays
    [InlineData("2026-12-30", "2026-12-30")] // providers close 12/29–1/3; banks only from 12/31
    [InlineData("2027-04-30", "2027-04-30")]
    public void DueDate_MovesToTheNextBankBusinessDay(string stated, string expected) =>
        Assert.Equal(D(expected), PaymentDays.DueDate(D(stated)));

    [Fact]
    public void DueDate_ForEveryDate_IsTheFirstBankDayOnOrAfter() =>
        Generators.Date.Sample(stated =>
        {
            var due = PaymentDays.DueDate(stated);

            Assert.True(due >= stated);
            Assert.True(IsBankDay(due));
            for (var d = stated; d < due; d = d.PlusDays(1))
            {
                Assert.False(IsBankDay(d)); // every day skipped is one the banks are closed
            }

            Assert.Equal(due, PaymentDays.DueDate(due)); // applying it again changes nothing
            Assert.Equal(due.PlusDays(1), PaymentDays.FirstDayLate(stated));
        }, iter: Generators.Iterations);

    /// <summary>Every product's payment due date goes through the one rule, and the plan's milestones show the moved date.</summary>
    [Fact]
    public void EveryProductsDueDate_IsABankBusinessDay() =>
        Gen.Select(Generators.Date, Gen.Int[0, ProductCode.All.Count - 1]).Sample((day, index) =>
        {
            var terms = ProductCatalog.For(ProductCode.All[index]);
            var month = day.ToYearMonth();

            Assert.Equal(PaymentDays.DueDate(terms.StatedPaymentDueDate(month)), terms.PaymentDueDate(month));
            Assert.True(IsBankDay(terms.PaymentDueDate(month)));
        }, iter: Generators.Iterations);

    private static bool IsBankDay(LocalDate date) =>
        date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday)
        && !JapaneseHolidays.IsHoliday(date)
        && !(date.Month == 12 && date.Day == 31)
        && !(date.Month == 1 && date.Day <= 3);
}
