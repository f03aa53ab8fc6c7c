using CloudLifecycle.Hosting;
using Microsoft.Extensions.Configuration;

namespace CloudLifecycle.Host.Tests.Hosting;

/// <summary>The settings both hosts read: Azure's identity-based storage, the defaults of a fresh machine, bad values named.</summary>
public class LifecycleSettingsTests
{
    private static LifecycleSettings From(params (string Key, string Value)[] values) =>
        LifecycleSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create("CloudLifecycle:" + v.Key, (string?)v.Value))).Build());

    [Fact]
    public void Nothing_Configured_RunsAgainstAzuriteAndMaildevWithTheDefaults()
    {
        var settings = From();

        Assert.False(settings.Storage.UsesIdentity);
        Assert.Equal("UseDevelopmentStorage=true", settings.Storage.Account().ConnectionString);
        Assert.Equal(("127.0.0.1", 1025, false), (settings.Smtp.Host, settings.Smtp.Port, settings.Smtp.StartTls));
        Assert.Equal(100, settings.Delivery.HourlyQuota);
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
            ("ApiKeys:1", "second"), ("ApiKeys:0", "first"),
            ("Issuer:Name", "株式会社サンプル"), ("Issuer:RegistrationNumber", "T1234567890123"),
            ("Billing:RunDay", "5"));

        Assert.True(settings.Storage.UsesIdentity);
        var account = settings.Storage.Account();
        Assert.Null(account.ConnectionString);
        Assert.NotNull(account.Credential);
        Assert.Equal(new Uri("https://stcl.table.core.windows.net/"), account.TableEndpoint);
        Assert.Equal(("smtp.azurecomm.net", 587, true), (settings.Smtp.Host, settings.Smtp.Port, settings.Smtp.StartTls));
        Assert.Equal(["first", "second"], settings.ApiKeys);
        Assert.Equal("T1234567890123", settings.Issuer!.RegistrationNumber);
        Assert.Equal(5, settings.BillingRunDay);
    }

    [Theory]
    [InlineData("Smtp:Port", "smtp", "Smtp:Port")]
    [InlineData("Smtp:Port", "70000", "Smtp:Port")]
    [InlineData("Billing:RunDay", "29", "Billing:RunDay")]
    [InlineData("Email:HourlyQuota", "0", "Email:HourlyQuota")]
    [InlineData("Storage:TableEndpoint", "stcl.table", "Storage:TableEndpoint")]
    public void BadValue_IsRefusedByName(string key, string value, string named)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => From((key, value)));

        Assert.Contains("CloudLifecycle:" + named, refused.Message, StringComparison.Ordinal);
    }
}
