using System.Text.Json;
using static CloudLifecycle.Host.Tests.Cli.CliRunner;

namespace CloudLifecycle.Host.Tests.Cli;

public sealed class InvoiceCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cloudlifecycle-invoice-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string name, string json)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void EclectExample_Json()
    {
        var invoice = Json("invoice", "--product", "eclect-aws", "--start", "2026-03-25", "--month", "2026-10", "--aws-usage-usd", "1234.56", "--fx-rate", "151.37", "--json");

        Assert.Equal("2026-11-02", invoice.GetProperty("issueDate").GetString()); // a quote: the day a monthly run issues it, not the §16-1 deadline
        Assert.Equal("2027-01-04", invoice.GetProperty("dueDate").GetString()); // §16-2 12-31, a bank holiday (民法 §142)
        Assert.Equal(3, invoice.GetProperty("lines").GetArrayLength());
        Assert.Equal("§13-1(1), §15", invoice.GetProperty("lines")[0].GetProperty("clause").GetString());
        Assert.Equal(226_121, invoice.GetProperty("subtotal").GetInt64());
        Assert.Equal(0.10m, invoice.GetProperty("taxRate").GetDecimal());
        Assert.Equal(22_612, invoice.GetProperty("tax").GetInt64());
        Assert.Equal(248_733, invoice.GetProperty("total").GetInt64());
        Assert.StartsWith("INV-", invoice.GetProperty("invoiceNumber").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Issued_DatesTheInvoice_AndADueDateCountedFromTheIssueFollowsIt()
    {
        // nec-express5800 §5-1 「当該請求書発行月の翌月末日までに」: issued 2026-12-10 → due the end of January 2027.
        var invoice = Json("invoice", "--product", "nec-express5800", "--start", "2026-04-01", "--end", "2031-03-31", "--month", "2026-10",
            "--base-fee", "120000", "--unit-price", "180", "--quantity", "350", "--issued", "2026-12-10", "--json");

        Assert.Equal("2026-12-10", invoice.GetProperty("issueDate").GetString());
        Assert.Equal("2027-02-01", invoice.GetProperty("dueDate").GetString()); // 01-31 is a Sunday (民法 §142)
    }

    [Theory]
    [InlineData(201_300, "invoice", "--product", "nec-express5800", "--start", "2026-04-01", "--end", "2031-03-31", "--month", "2026-10", "--base-fee", "120000", "--unit-price", "180", "--quantity", "350", "--json")]
    [InlineData(66_000, "invoice", "--product", "ntt-east-aws-ops", "--start", "2026-10-15", "--month", "2026-11", "--plan", "standard", "--components", "4", "--json")]
    [InlineData(563_200, "invoice", "--product", "optage-neutrix", "--start", "2026-04-01", "--month", "2026-10", "--plan", "premium", "--components", "22", "--windows", "--json")]
    [InlineData(678_700, "invoice", "--product", "optage-neutrix", "--start", "2026-04-01", "--month", "2026-10", "--plan", "premium", "--components", "22", "--windows", "--component-pricing", "graduated", "--json")]
    public void IssueExamples_Totals(long total, params string[] args) =>
        Assert.Equal(total, Json(args).GetProperty("total").GetInt64());

    [Fact]
    public void Html_JapaneseQualifiedInvoice()
    {
        var (exit, html, _) = Run("invoice", "--product", "ntt-east-aws-ops", "--start", "2026-10-15", "--month", "2026-11", "--plan", "standard", "--components", "4",
            "--issuer-name", "運用請求株式会社", "--issuer-registration", "T1234567890123", "--customer", "顧客株式会社", "--format", "html");

        Assert.Equal(0, exit);
        Assert.Contains("<html lang=\"ja\">", html, StringComparison.Ordinal);
        Assert.Contains("登録番号: T1234567890123", html, StringComparison.Ordinal);
        Assert.Contains("顧客株式会社 御中", html, StringComparison.Ordinal);
        Assert.Contains("¥66,000", html, StringComparison.Ordinal);
        Assert.Contains("10%対象", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_EnglishLabels()
    {
        var (_, html, _) = Run("invoice", "--product", "ntt-east-aws-ops", "--start", "2026-10-15", "--month", "2026-11", "--plan", "standard", "--components", "4", "--format", "html", "--lang", "en");

        Assert.Contains("Registration number", html, StringComparison.Ordinal);
        Assert.Contains("operations, Standard plan", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_OneRowPerLineWithHeader()
    {
        var (exit, csv, _) = Run("invoice", "--product", "eclect-aws", "--start", "2026-03-25", "--month", "2026-10", "--aws-usage-usd", "1234.56", "--fx-rate", "151.37", "--format", "csv");

        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, exit);
        Assert.Equal(4, rows.Length);
        Assert.StartsWith("invoice_number,issue_date", rows[0], StringComparison.Ordinal);
        Assert.Contains(",186876,0.10,\"§13-1(1), §15\"", rows[1], StringComparison.Ordinal);
    }

    [Fact]
    public void ContractAndUsageFiles_CarryRicherCases()
    {
        var contract = File("contract.json", """
            {"contractId":"C-9","product":"nec-express5800","startDate":"2026-04-01","endDate":"2031-03-31",
             "customer":{"name":"顧客株式会社","email":"a@example.com","language":"ja"},"baseFee":120000,"unitPrice":180}
            """);
        var usage = File("usage.json", """
            {"month":"2027-03","quantity":350,"termination":{"date":"2027-03-10","reason":"equipmentLoss"}}
            """);

        var documents = Json("invoice", "--contract", contract, "--usage", usage, "--json");
        var penalty = Json("invoice", "--contract", contract, "--usage", usage, "--document", "INV-C-9-202703-P1", "--json");
        var text = Run("invoice", "--contract", contract, "--usage", usage);

        // §13 「違約金として直ちに」: the penalty is due at once, on its own document; the month's fees under §5-1.
        Assert.Equal(["INV-C-9-202703", "INV-C-9-202703-P1"], documents.EnumerateArray().Select(d => d.GetProperty("invoiceNumber").GetString()));
        Assert.Equal(183_000 + 18_300, documents[0].GetProperty("total").GetInt64());
        Assert.Equal((48 * 120_000L, "2027-04-01", "§13"), (penalty.GetProperty("total").GetInt64(), penalty.GetProperty("dueDate").GetString(), penalty.GetProperty("dueDateClause").GetString()));
        Assert.Equal(0m, penalty.GetProperty("taxSummaries")[0].GetProperty("rate").GetDecimal()); // a penalty is outside the scope of tax
        Assert.Contains("INV-C-9-202703-P1", text.Out, StringComparison.Ordinal);
        Assert.Equal(2, Run("invoice", "--contract", contract, "--usage", usage, "--document", "INV-NOPE").Exit);
    }

    [Theory]
    [InlineData(null, "components 22 × 21,000 Windows prices", 21_000)]
    [InlineData("volume", "components 22 × 21,000 Windows prices", 21_000)]
    [InlineData("graduated", "components 5 × 30,000 + 15 × 25,000 + 2 × 21,000 Windows prices", null)]
    public void OptageComponentLine_ShowsTheComputation_FromTheContractFile(string? pricing, string description, int? unitPrice)
    {
        var setting = pricing is null ? string.Empty : $$$""","componentPricing":"{{{pricing}}}" """;
        var contract = File("optage.json", $$$"""{"product":"optage-neutrix","startDate":"2026-04-01","plan":"premium","components":22,"windows":true{{{setting}}}}""");

        var line = Json("invoice", "--contract", contract, "--month", "2026-10", "--json").GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("code").GetString() == "managed-components");

        Assert.Equal((description, "別表2"), (line.GetProperty("description").GetString(), line.GetProperty("clause").GetString()));
        Assert.Equal(unitPrice, line.GetProperty("unitPrice").ValueKind == JsonValueKind.Null ? null : line.GetProperty("unitPrice").GetInt32());
    }

    [Fact]
    public void ComponentPricing_OptionWinsOverTheContractFile()
    {
        var contract = File("optage.json", """{"product":"optage-storage","startDate":"2026-04-01","plan":"standard","components":21,"componentPricing":"graduated"}""");

        var components = Json("invoice", "--contract", contract, "--month", "2026-10", "--component-pricing", "volume", "--json").GetProperty("lines")[1];

        Assert.Equal(155_400, components.GetProperty("amount").GetInt64()); // 21 × 7,400
    }

    [Theory]
    [InlineData("optage-neutrix", "tiered", "--component-pricing")]
    [InlineData("eclect-aws", "graduated", "--component-pricing")]
    public void ComponentPricing_Invalid_Exit2NamingTheOption(string product, string value, string expected)
    {
        var (exit, output, error) = Run("invoice", "--product", product, "--start", "2026-04-01", "--month", "2026-10", "--plan", "standard", "--components", "6",
            "--aws-usage-usd", "1", "--fx-rate", "150", "--component-pricing", value);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("別表2", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"month":"2026-10","quantty":350}""", "quantty")]
    [InlineData("""{"month":"2026-10","quantity":"many"}""", "quantity")]
    [InlineData("""{"month":"2026-13"}""", "2026-13")]
    [InlineData("""{"month":"2026-10",""", "usage")]
    public void UsageFile_UnknownFieldsAndWrongTypes_AreRefused(string json, string expected)
    {
        var usage = File("usage.json", json);

        var (exit, _, error) = Run("invoice", "--product", "nec-express5800", "--start", "2026-04-01", "--end", "2031-03-31",
            "--base-fee", "120000", "--unit-price", "180", "--usage", usage);

        Assert.Equal(2, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("issuer.registrationNumber", "--issuer-registration", "1234567890123")]
    [InlineData("fxRate", "--aws-usage-usd", "100")]
    [InlineData("--format", "--format", "pdf")]
    [InlineData("--aws-usage-usd", "--aws-usage-usd", "-5")]
    public void InvalidInput_Exit2(string expected, string option, string value)
    {
        var (exit, output, error) = Run("invoice", "--product", "eclect-aws", "--start", "2026-03-25", "--month", "2026-10", option, value);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--aws-usage-usd", "awsUsageUsd", "eclect-aws", "--aws-usage-usd", "79228162514264337593543950335", "--fx-rate", "150")]
    [InlineData("--fx-rate", "fxRate", "eclect-aws", "--aws-usage-usd", "100", "--fx-rate", "79228162514264337593543950335")]
    [InlineData("--base-fee", "baseFee", "nec-express5800", "--base-fee", "79228162514264337593543950335", "--unit-price", "180", "--quantity", "1", "--end", "2031-03-31")]
    [InlineData("--quantity", "quantity", "nec-express5800", "--base-fee", "120000", "--unit-price", "100000000", "--quantity", "79228162514264337593543950335", "--end", "2031-03-31")]
    public void AFigureOutsideItsBound_Exit2NamingTheOptionAndTheField(string option, string field, string product, params string[] figures)
    {
        var (exit, output, error) = Run(["invoice", "--product", product, "--start", "2026-04-01", "--month", "2026-10", .. figures]);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.Contains(field, error, StringComparison.Ordinal);
        Assert.Contains("out of bounds", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("invoice", "--aws-usage-usd", "99999999999999999999999999999")]     // 29 digits: more than decimal holds
    [InlineData("invoice", "--aws-usage-usd", "99999999999999999999999999999999")]  // 32 digits
    [InlineData("invoice", "--fx-rate", "123456789012345678901234567890.5")]
    [InlineData("late-interest", "--amount", "99999999999999999999999999999")]
    [InlineData("late-interest", "--amount", "99999999999999999999999999999999")]
    public void AFigureTooLongForAnyBound_IsOutOfBounds_NotMalformed(string command, string option, string figure)
    {
        string[] other = option == "--fx-rate" ? ["--aws-usage-usd", "100"] : ["--fx-rate", "150"];
        var (exit, _, error) = command == "invoice"
            ? Run(["invoice", "--product", "eclect-aws", "--start", "2026-04-01", "--month", "2026-10", .. other, option, figure])
            : Run("late-interest", "--product", "eclect-aws", "--due", "2026-12-31", "--paid", "2027-02-15", option, figure);

        Assert.Equal(2, exit);
        Assert.Contains($"{option}: '{figure}' is out of bounds", error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", error, StringComparison.Ordinal);
    }

    [Fact]
    public void LateInterest_OnAnAmountOutsideItsBound_Exit2NamingTheOption()
    {
        var (exit, _, error) = Run("late-interest", "--product", "eclect-aws", "--amount", "100000000000000000000", "--due", "2026-12-31", "--paid", "2027-02-15");

        Assert.Equal(2, exit);
        Assert.Contains("--amount", error, StringComparison.Ordinal);
    }

    [Fact]
    public void LateInterest_IssueExample()
    {
        var result = Json("late-interest", "--product", "eclect-aws", "--amount", "100000", "--due", "2026-12-31", "--paid", "2027-02-15", "--json"); // due moves to 01-04 (民法 §142)

        Assert.Equal(41, result.GetProperty("days").GetInt32());
        Assert.Equal(0.06m, result.GetProperty("rate").GetDecimal());
        Assert.Equal(674, result.GetProperty("interest").GetInt64());
        Assert.Equal("§17", result.GetProperty("clause").GetString());
    }

    [Fact]
    public void LateInterest_PaidBeforeDue_IsRefused() =>
        Assert.Equal(2, Run("late-interest", "--product", "ntt-east-aws-ops", "--amount", "100000", "--due", "2026-12-31", "--paid", "2026-12-01").Exit);
}
