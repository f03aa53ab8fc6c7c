using CloudLifecycle.Core.Application;
using CloudLifecycle.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudLifecycle.Host.Tests.Hosting;

/// <summary>Issue 16: the webhook endpoint and secret settings, refused at start-up by name when they cannot be used safely.</summary>
public class WebhookSettingsTests
{
    private const string GoodSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static LifecycleSettings From(params (string Key, string Value)[] values) =>
        LifecycleSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create("CloudLifecycle:" + v.Key, (string?)v.Value))).Build());

    [Fact]
    public void NoneConfigured_NoWebhooks_AndNoDeliveryIsRegistered()
    {
        var settings = From();

        Assert.Null(settings.Webhooks);
        using var provider = new ServiceCollection().AddCloudLifecycle(settings).BuildServiceProvider();
        Assert.Null(provider.GetService<WebhookDelivery>());
    }

    [Theory]
    [InlineData("https://crm.example.jp/hooks/cloudlifecycle")]
    [InlineData("http://127.0.0.1:8080/hooks")]
    [InlineData("http://localhost:8080/hooks")]
    public void AnHttpsEndpoint_OrPlainHttpToThisMachine_IsTaken(string url)
    {
        var settings = From(("Webhooks:Url", url), ("Webhooks:Secret", GoodSecret));

        Assert.Equal(new Uri(url), settings.Webhooks!.Url);
        Assert.Equal(24, settings.Webhooks.SigningKey().Key.Length);
    }

    [Theory]
    [InlineData("http://crm.example.jp/hooks", GoodSecret, "Webhooks:Url: 'http://crm.example.jp/hooks' is not an https address")]
    [InlineData("ftp://crm.example.jp/hooks", GoodSecret, "Webhooks:Url")]
    [InlineData("crm.example.jp/hooks", GoodSecret, "Webhooks:Url")]
    [InlineData("https://crm.example.jp/hooks", "whsec_c2hvcnQtc2VjcmV0", "Webhooks:Secret is too short: 12 bytes")]
    [InlineData("https://crm.example.jp/hooks", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "Webhooks:Secret must start with 'whsec_'")]
    [InlineData("https://crm.example.jp/hooks", "", "Webhooks:Secret is empty while CloudLifecycle:Webhooks:Url is set")]
    [InlineData("", GoodSecret, "Webhooks:Url is empty while CloudLifecycle:Webhooks:Secret is set")]
    public void AnUnsafeOrHalfConfiguration_StopsTheHost_NamingTheSetting(string url, string secret, string message)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => From(("Webhooks:Url", url), ("Webhooks:Secret", secret)));

        Assert.StartsWith("CloudLifecycle:" + message, refused.Message, StringComparison.Ordinal);
    }
}
