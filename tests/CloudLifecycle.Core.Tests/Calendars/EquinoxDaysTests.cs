using CloudLifecycle.Core.Calendars;

namespace CloudLifecycle.Core.Tests.Calendars;

public class EquinoxDaysTests
{
    [Fact]
    public void Approximation_AgreesWithEveryAnnouncedYear()
    {
        for (var year = 2000; year <= EquinoxDays.LastAnnouncedYear; year++)
        {
            Assert.Equal(EquinoxDays.Vernal(year).Day, EquinoxDays.ApproximateVernalDay(year));
            Assert.Equal(EquinoxDays.Autumnal(year).Day, EquinoxDays.ApproximateAutumnalDay(year));
        }
    }

    [Theory]
    [InlineData(2028, 20, 22)]
    [InlineData(2030, 20, 23)]
    [InlineData(2044, 20, 22)]
    [InlineData(2092, 19, 22)]
    [InlineData(2099, 20, 23)]
    public void AfterTheAnnouncedYears_UsesTheApproximation(int year, int vernal, int autumnal)
    {
        Assert.Equal(vernal, EquinoxDays.Vernal(year).Day);
        Assert.Equal(autumnal, EquinoxDays.Autumnal(year).Day);
    }
}
