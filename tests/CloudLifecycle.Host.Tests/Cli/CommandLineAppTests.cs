using System.Text.Json;
using static CloudLifecycle.Host.Tests.Cli.CliRunner;

namespace CloudLifecycle.Host.Tests.Cli;

/// <summary>The command line as other tools call it: arguments in, exit code and stdout/stderr out.</summary>
public class CommandLineAppTests
{
    [Fact]
    public void Holidays_Json_ListsDateAndName()
    {
        var holidays = Json("holidays", "--year", "2027", "--json");

        Assert.Equal(17, holidays.GetArrayLength());
        Assert.Equal("2027-01-01", holidays[0].GetProperty("date").GetString());
        Assert.Equal("元日", holidays[0].GetProperty("name").GetString());
    }

    [Fact]
    public void Holidays_ForAProduct_ListsItsClosedWeekdays()
    {
        var closed = Json("holidays", "--year", "2026", "--product", "optage-neutrix", "--json");

        var names = closed.EnumerateArray().ToDictionary(d => d.GetProperty("date").GetString()!, d => d.GetProperty("name").GetString());
        Assert.Equal("5月1日", names["2026-05-01"]);
        Assert.Equal("年末年始", names["2026-12-29"]);
        Assert.False(names.ContainsKey("2026-05-03")); // a Sunday: weekends are not listed
    }

    [Fact]
    public void Plan_Json_MilestonesSortedWithClauses()
    {
        var plan = Json("plan", "--product", "optage-neutrix", "--start", "2026-04-01", "--end", "2031-03-31", "--through", "2028-12-31", "--json");

        var milestones = plan.GetProperty("milestones").EnumerateArray().ToList();
        var dates = milestones.Select(m => m.GetProperty("date").GetString()!).ToList();
        Assert.Equal(dates.Order(StringComparer.Ordinal), dates);
        Assert.Equal("contractStart", milestones[0].GetProperty("kind").GetString());
        Assert.Equal("§9", milestones[0].GetProperty("clause").GetString());
        Assert.Contains(milestones, m => m.GetProperty("kind").GetString() == "minimumTermEnd" && m.GetProperty("date").GetString() == "2027-03-31");
        Assert.All(milestones, m => Assert.False(string.IsNullOrEmpty(m.GetProperty("descriptionJa").GetString())));
        Assert.Equal("2028-12-31", plan.GetProperty("through").GetString());
    }

    [Fact]
    public void Plan_Text_OneLinePerMilestone()
    {
        var (exit, output, _) = Run("plan", "--product", "nec-express5800", "--start", "2026-04-01", "--end", "2031-03-31");

        Assert.Equal(0, exit);
        Assert.Contains("2030-02-28  extensionDeadline", output, StringComparison.Ordinal);
        Assert.Contains("§2-3", output, StringComparison.Ordinal);
    }

    [Fact]
    public void QuoteCancellation_IssueExample()
    {
        var quote = Json("quote", "cancellation", "--product", "eclect-aws", "--start", "2026-03-25", "--notice", "2026-06-16", "--requested", "2026-07-20", "--json");

        Assert.Equal("2026-08-20", quote.GetProperty("effectiveDate").GetString());
        Assert.Equal("2026-06-15", quote.GetProperty("noticeDeadline").GetString());
        Assert.Equal("§27-1", quote.GetProperty("clause").GetString());
        Assert.Equal(0, quote.GetProperty("remainingMonths").GetInt32());
        Assert.False(string.IsNullOrEmpty(quote.GetProperty("explanation").GetString()));
    }

    [Fact]
    public void QuoteCancellation_NecWithEnd_CountsRemainingMonths()
    {
        var quote = Json("quote", "cancellation", "--product", "nec-express5800", "--start", "2026-04-01", "--end", "2031-03-31",
            "--notice", "2026-12-01", "--requested", "2027-03-01", "--json");

        Assert.Equal("2027-03-31", quote.GetProperty("effectiveDate").GetString());
        Assert.Equal(48, quote.GetProperty("remainingMonths").GetInt32());
        Assert.Equal("§24-2", quote.GetProperty("remainingMonthsClause").GetString());
    }

    [Fact]
    public void QuoteExtension_IssueExample() =>
        Assert.Equal("2030-02-28", Json("quote", "extension", "--product", "nec-express5800", "--start", "2026-04-01", "--end", "2031-03-31", "--json")
            .GetProperty("deadline").GetString());

    [Fact]
    public void QuoteRemoval_WithAgreedDate()
    {
        var quote = Json("quote", "removal", "--product", "nec-express5800", "--start", "2026-04-01", "--end", "2031-03-31", "--removal-date", "2031-04-10", "--json");

        Assert.Equal("2031-04-30", quote.GetProperty("removalDeadline").GetString());
        Assert.Equal("2031-03-27", quote.GetProperty("schedulingDeadline").GetString());
        Assert.Equal("§29-1", quote.GetProperty("clause").GetString());
    }

    [Fact]
    public void QuoteDeadline_Json()
    {
        var quote = Json("quote", "deadline", "--product", "optage-storage", "--rule", "application-timeout", "--from", "2026-04-01", "--json");

        Assert.Equal("2026-06-01", quote.GetProperty("date").GetString());          // deemed rejected from (§8: 60 days after receipt, that day not counted)
        Assert.Equal("2026-05-31", quote.GetProperty("periodLastDay").GetString()); // the last day to answer
    }

    [Fact]
    public void QuoteDeadline_Cure_SaysTheLastCureDayAndTheFirstTerminationDay()
    {
        var quote = Json("quote", "deadline", "--product", "eclect-aws", "--rule", "cure", "--from", "2026-12-28", "--json");

        Assert.Equal("2027-01-05", quote.GetProperty("date").GetString());
        Assert.Equal("2027-01-04", quote.GetProperty("periodLastDay").GetString());
        Assert.Contains("termination is possible from 2027-01-05", quote.GetProperty("explanation").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void QuoteDeadline_Discontinuation_AnswersBothWays()
    {
        Assert.Equal("2026-12-09", Json("quote", "deadline", "--product", "eclect-aws", "--rule", "discontinuation", "--from", "2026-11-14", "--json")
            .GetProperty("date").GetString());   // from the notice: the earliest end
        Assert.Equal("2026-11-25", Json("quote", "deadline", "--product", "eclect-aws", "--rule", "discontinuation", "--end", "2026-12-20", "--json")
            .GetProperty("date").GetString());   // from the end: the last notice day
        Assert.Equal("2026-12-31", Json("quote", "deadline", "--product", "eclect-aws", "--rule", "discontinuation", "--from", "2026-11-20", "--end", "2026-12-31", "--json")
            .GetProperty("endDate").GetString()); // both: the stated end, checked
    }

    [Fact]
    public void QuoteDeadline_StatedEndTooEarly_ExitsWith2NamingEndDateAndTheClause()
    {
        var (exit, output, error) = Run("quote", "deadline", "--product", "eclect-aws", "--rule", "discontinuation", "--from", "2026-11-14", "--end", "2026-12-08");

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("endDate", error, StringComparison.Ordinal);
        Assert.Contains("§30-2", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("requested", "quote", "cancellation", "--product", "eclect-aws", "--start", "2026-03-25", "--notice", "2026-06-16", "--requested", "2026-07-21")]
    [InlineData("notice", "quote", "cancellation", "--product", "eclect-aws", "--start", "2026-03-25", "--notice", "2026-03-01", "--requested", "2026-07-20")]
    [InlineData("product", "plan", "--product", "aws-direct", "--start", "2026-04-01")]
    [InlineData("--start", "plan", "--product", "eclect-aws", "--start", "2026-02-30")]
    [InlineData("--start is required", "plan", "--product", "eclect-aws")]
    [InlineData("--thru", "plan", "--product", "eclect-aws", "--start", "2026-04-01", "--thru", "2027-01-01")]
    [InlineData("end", "quote", "extension", "--product", "nec-express5800", "--start", "2026-04-01")]
    [InlineData("unknown command", "quote", "renewal", "--product", "eclect-aws")]
    [InlineData("--year", "holidays", "--year", "1999")]
    [InlineData("--year", "holidays", "--year", "twenty")]
    [InlineData("more than once", "holidays", "--year", "2026", "--year", "2027")]
    [InlineData("needs a value", "plan", "--product", "eclect-aws", "--start")]
    [InlineData("--from or --end is required", "quote", "deadline", "--product", "eclect-aws", "--rule", "discontinuation")]
    [InlineData("end", "quote", "deadline", "--product", "eclect-aws", "--rule", "cure", "--end", "2027-01-05")]
    [InlineData("--month", "export", "journal", "--month", "2026-13", "--format", "yayoi")]
    [InlineData("--month", "export", "journal", "--format", "yayoi")]
    [InlineData("month", "export", "journal", "--month", "1999-01", "--format", "yayoi")]
    [InlineData("--format", "export", "journal", "--month", "2026-11", "--format", "sage")]
    [InlineData("--format", "export", "journal", "--month", "2026-11")]
    public void InvalidInput_ExitsWith2AndNamesTheField(string expectedInMessage, params string[] args)
    {
        var (exit, output, error) = Run(args);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains(expectedInMessage, error, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidInput_NamesTheClause() =>
        Assert.Contains("(§27-1)", Run("quote", "cancellation", "--product", "eclect-aws", "--start", "2026-03-25", "--notice", "2026-06-16", "--requested", "2026-07-31").Err,
            StringComparison.Ordinal);

    [Fact]
    public void NoCommand_PrintsUsageAndExits2()
    {
        var (exit, _, error) = Run();

        Assert.Equal(2, exit);
        Assert.Contains("quote cancellation", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_PrintsUsage()
    {
        var (exit, output, _) = Run("--help");

        Assert.Equal(0, exit);
        Assert.Contains("holidays", output, StringComparison.Ordinal);
    }
}
