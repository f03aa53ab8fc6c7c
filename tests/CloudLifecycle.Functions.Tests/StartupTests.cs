using CloudLifecycle.Core.Application;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudLifecycle.Functions.Tests;

/// <summary>The app refuses to start without what every invoice needs, naming the app setting, instead of failing its first request.</summary>
public sealed class StartupTests
{
    private static IServiceCollection Compose(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create("CloudLifecycle:" + s.Key, (string?)s.Value)).Append(KeyValuePair.Create("CloudLifecycle:ApiKeys:0", (string?)FunctionsAppHost.ApiKey)))
            .Build();
        return new ServiceCollection().AddLogging().AddFunctionsApp(configuration);
    }

    [Theory]
    [InlineData(null, null, "CloudLifecycle__Issuer__Name")]
    [InlineData("テスト請求株式会社", null, "CloudLifecycle:Issuer:RegistrationNumber")]
    [InlineData(null, "T1234567890123", "CloudLifecycle:Issuer:Name")]
    [InlineData("テスト請求株式会社", "1234567890123", "CloudLifecycle:Issuer:RegistrationNumber")]
    public void WithoutAValidIssuer_TheAppDoesNotStart_AndSaysWhichSetting(string? name, string? registration, string named)
    {
        var settings = new List<(string, string)>();
        if (name is not null)
        {
            settings.Add(("Issuer:Name", name));
        }

        if (registration is not null)
        {
            settings.Add(("Issuer:RegistrationNumber", registration));
        }

        var refused = Assert.Throws<InvalidOperationException>(() => Compose([.. settings]));
        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithTheIssuer_TheAppComposes()
    {
        var services = Compose(("Issuer:Name", "テスト請求株式会社"), ("Issuer:RegistrationNumber", "T1234567890123"));
        Assert.Contains(services, d => d.ServiceType == typeof(PendingCommandSweep));
    }
}
