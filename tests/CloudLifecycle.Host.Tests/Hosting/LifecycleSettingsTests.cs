using CloudLifecycle.Hosting;
using Microsoft.Extensions.Configuration;

namespace CloudLifecycle.Host.Tests.Hosting;

/// <summary>The settings both hosts read: Azure's identity-based storage, the defaults of a fresh machine, bad values named.</summary>
public class LifecycleSettingsTests
{
    private const string First = "first-key-0123456789abcdefghijklmnopqrstuv";
    private const string Second = "second-key-0123456789abcdefghijklmnopqrstu";

    private static LifecycleSettings From(params (string Key, string Value)[] values) =>
        LifecycleSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create("CloudLifecycle:" + v.Key, (string?)v.Value))).Build());

    [Fact]
    public void Nothing_Configured_RunsAgainstAzuriteAndMaildevWithTheDefaults()
    {
        var settings = From();

        Assert.False(settings.Storage.UsesIdentity);
        Assert.Equal("UseDevelopmentStorage=true", settings.Storage.Account().ConnectionString);
        Assert.Equal(("127.0.0.1", 1025, false), (settings.Smtp.Host, settings.Smtp.Port, settings.Smtp.StartTls));
        Assert.Equal((100, 30), (settings.Delivery.HourlyQuota, settings.Delivery.MinuteQuota));
        Assert.Equal(1, settings.BillingRunDay);
        Assert.Empty(settings.ApiKeys);
        Assert.Null(settings.Issuer);
    }

    [Fact]
    public void AzureAppSettings_SelectIdentityBasedStorage_AcsSmtp_AndTheKeysInOrder()
    {
        var settings = From(
            ("Storage:TableEndpoint", "https://stcl.table.core.windows.net/"),
            ("Storage:BlobEndpoint", "https://stcl.blob.core.windows.net/"),
            ("Storage:ClientId", "00000000-0000-0000-0000-000000000001"),
            ("Smtp:Host", "smtp.azurecomm.net"), ("Smtp:Port", "587"), ("Smtp:StartTls", "true"),
            ("ApiKeys:1", Second), ("ApiKeys:0", First),
            ("Issuer:Name", "株式会社サンプル"), ("Issuer:RegistrationNumber", "T1234567890123"),
            ("Billing:RunDay", "5"));

        Assert.True(settings.Storage.UsesIdentity);
        var account = settings.Storage.Account();
        Assert.Null(account.ConnectionString);
        Assert.NotNull(account.Credential);
        Assert.Equal(new Uri("https://stcl.table.core.windows.net/"), account.TableEndpoint);
        Assert.Equal(("smtp.azurecomm.net", 587, true), (settings.Smtp.Host, settings.Smtp.Port, settings.Smtp.StartTls));
        Assert.Equal([First, Second], settings.ApiKeys);
        Assert.Equal("T1234567890123", settings.Issuer!.RegistrationNumber);
        Assert.Equal(5, settings.BillingRunDay);
    }

    [Theory]
    [InlineData("Smtp:Port", "smtp", "Smtp:Port")]
    [InlineData("Smtp:Port", "70000", "Smtp:Port")]
    [InlineData("Billing:RunDay", "29", "Billing:RunDay")]
    [InlineData("Email:HourlyQuota", "0", "Email:HourlyQuota")]
    [InlineData("Email:MinuteQuota", "0", "Email:MinuteQuota")]
    [InlineData("Issuer:Name", "株式会社サンプル", "Issuer:RegistrationNumber")]
    [InlineData("Issuer:RegistrationNumber", "T1234567890123", "Issuer:Name")]
    [InlineData("Storage:TableEndpoint", "stcl.table", "Storage:TableEndpoint")]
    [InlineData("ApiKeys:0", "x", "ApiKeys:0")]
    [InlineData("ApiKeys:0", "dev-key-change-me", "ApiKeys:0")]
    [InlineData("ApiKeys:3", "0123456789012345678901234567890", "ApiKeys:3")]
    [InlineData("FeedSecret", "short", "FeedSecret")]
    [InlineData("PublicBaseUrl", "crm-api.example.jp", "PublicBaseUrl")]
    [InlineData("PublicBaseUrl", "https://crm-api.example.jp/?x=1", "PublicBaseUrl")]
    [InlineData("Cors:Origins:0", "*", "Cors:Origins:0")]
    [InlineData("Cors:Origins:0", "https://crm.example.jp/app", "Cors:Origins:0")]
    public void BadValue_IsRefusedByName(string key, string value, string named)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => From((key, value)));

        Assert.Contains("CloudLifecycle:" + named, refused.Message, StringComparison.Ordinal);
    }

    private static readonly (string, string)[] Issuer = [("Issuer:Name", "株式会社サンプル"), ("Issuer:RegistrationNumber", "T1234567890123")];

    private static readonly (string, string)[] Transfer =
    [
        ("Issuer:Transfer:Bank", "みずほ銀行"), ("Issuer:Transfer:Branch", "丸の内支店"), ("Issuer:Transfer:AccountType", "普通"),
        ("Issuer:Transfer:AccountNumber", "1234567"), ("Issuer:Transfer:AccountHolder", "カ）サンプル"),
    ];

    [Fact]
    public void ATransferAccount_IsCarriedByTheIssuer()
    {
        var settings = From([.. Issuer, .. Transfer]);

        Assert.Equal("みずほ銀行 丸の内支店 普通 1234567 カ）サンプル", settings.Issuer!.Transfer?.ToString());
        Assert.Null(From(Issuer).Issuer!.Transfer);
    }

    [Theory]
    [InlineData("Issuer:Transfer:Branch", "", "Issuer:Transfer:Branch")]
    [InlineData("Issuer:Transfer:AccountNumber", "12-3456", "Issuer:Transfer:AccountNumber")]
    [InlineData("Issuer:Transfer:AccountType", "savings", "Issuer:Transfer:AccountType")]
    public void ATransferAccountHalfSetOrMalformed_IsRefusedByName(string key, string value, string named)
    {
        var settings = Transfer.Select(t => t.Item1 == key ? (key, value) : t);

        var refused = Assert.Throws<InvalidOperationException>(() => From([.. Issuer, .. settings]));

        Assert.Contains("CloudLifecycle:" + named, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AShortApiKey_IsRefusedSayingHowLongAKeyMustBe()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => From(("ApiKeys:0", "dev-key-change-me")));

        Assert.Contains("at least 32", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("dev-key-change-me", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PublicBaseUrlAndCorsOrigins_ReachTheApiOptions()
    {
        var settings = From(("ApiKeys:0", First), ("PublicBaseUrl", "https://crm-api.example.jp/"),
            ("Cors:Origins:1", "https://other.example.jp"), ("Cors:Origins:0", "https://crm.example.jp"));

        var options = settings.ApiOptions(new CloudLifecycle.Core.Billing.Issuer("株式会社サンプル", "T1234567890123"));

        Assert.Equal(new Uri("https://crm-api.example.jp/"), options.PublicBaseUrl);
        Assert.Equal(["https://crm.example.jp", "https://other.example.jp"], options.CorsOrigins);
        Assert.Empty(From().CorsOrigins);
        Assert.Null(From().PublicBaseUrl);
    }

    [Fact]
    public void StorageDescription_NamesTheAccountAndEndpoint_NeverTheKey()
    {
        const string key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        var settings = From(("Storage:ConnectionString", $"DefaultEndpointsProtocol=https;AccountName=stcloudlifecycle;AccountKey={key};EndpointSuffix=core.windows.net"));

        var described = settings.Storage.Describe();

        Assert.Contains("stcloudlifecycle", described, StringComparison.Ordinal);
        Assert.Contains("https://stcloudlifecycle.table.core.windows.net", described, StringComparison.Ordinal);
        Assert.DoesNotContain(key, described, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", described, StringComparison.Ordinal);
    }

    [Fact]
    public void MessageIds_AreUniquePerInstallation_AndStablePerConfiguration()
    {
        var one = From(("FeedSecret", First), ("Smtp:From", "notices@reseller.example.jp"));
        var other = From(("FeedSecret", Second), ("Smtp:From", "notices@reseller.example.jp"));
        var otherStorage = From(("Storage:ConnectionString", "DefaultEndpointsProtocol=https;AccountName=b;AccountKey=eA==;EndpointSuffix=core.windows.net"), ("Smtp:From", "notices@reseller.example.jp"));
        var configured = From(("FeedSecret", First), ("Email:MessageIdDomain", "mail.reseller.example.jp"));

        var ids = new[] { one, other, otherStorage }.Select(s => Core.Application.OutboxDelivery.MessageId("invoice/INV-C-1-202605", s.Delivery.MessageIdDomain)).ToList();

        Assert.Equal(3, ids.Distinct().Count());
        Assert.All(new[] { one, other, otherStorage }, s => Assert.EndsWith(".reseller.example.jp", s.Delivery.MessageIdDomain, StringComparison.Ordinal));
        Assert.DoesNotContain(First, one.Delivery.MessageIdDomain, StringComparison.Ordinal);
        Assert.Equal(one.Delivery.MessageIdDomain, From(("FeedSecret", First), ("Smtp:From", "notices@reseller.example.jp")).Delivery.MessageIdDomain);
        Assert.Equal("mail.reseller.example.jp", configured.Delivery.MessageIdDomain);
    }
}
