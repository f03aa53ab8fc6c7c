using System.Globalization;
using System.Text.Json;
using CloudLifecycle.Adapters.Tables;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Integration.Tests;
using NodaTime;

namespace CloudLifecycle.Host.Tests.Reliability;

/// <summary>
/// What the reliability tests share over the Azurite and maildev the integration fixture starts: a storage
/// namespace (table prefix) of their own, the host's environment pointing at it, notices in the outbox, and
/// the mail server's view of them.
/// </summary>
internal sealed class RealServices(TestServices services, string prefix)
{
    public const string MessageIdDomain = "reliability.test";

    public string Prefix { get; } = prefix;

    public static RealServices Create(TestServices services) => new(services, "r" + Guid.NewGuid().ToString("N")[..10]);

    public Task<LifecycleStores> StoresAsync() => AzureStorage.ConnectAsync(services.StorageConnectionString, Prefix);

    /// <summary>The host's settings: this namespace's tables, maildev (or <paramref name="smtpPort"/>), no hourly or per-minute pace in the way (pacing has tests of its own).</summary>
    public Dictionary<string, string> Environment(int? smtpPort = null) => new()
    {
        ["CloudLifecycle__Storage__ConnectionString"] = services.StorageConnectionString,
        ["CloudLifecycle__Storage__TablePrefix"] = Prefix,
        ["CloudLifecycle__Smtp__Host"] = "127.0.0.1",
        ["CloudLifecycle__Smtp__Port"] = (smtpPort ?? services.SmtpPort).ToString(CultureInfo.InvariantCulture),
        ["CloudLifecycle__Email__HourlyQuota"] = "1000000",
        ["CloudLifecycle__Email__MinuteQuota"] = "1000000",
        ["CloudLifecycle__Email__MessageIdDomain"] = MessageIdDomain,
        ["CloudLifecycle__Issuer__Name"] = "テスト請求株式会社",
        ["CloudLifecycle__Issuer__RegistrationNumber"] = "T1234567890123",
    };

    /// <summary><paramref name="count"/> notices, each to an address of its own, due now.</summary>
    public async Task<IReadOnlyList<Notice>> EnqueueNoticesAsync(LifecycleStores stores, int count)
    {
        var notices = Enumerable.Range(0, count).Select(i =>
        {
            var contractId = string.Create(CultureInfo.InvariantCulture, $"RD-{i:D5}");
            return new Notice($"{contractId}/reliability/{Prefix}", contractId, NoticeKind.Registered, new LocalDate(2026, 11, 2),
                new Customer("信頼性テスト株式会社", Address(i), Language.Ja),
                new Text($"{contractId} を登録しました", $"{contractId} registered"),
                [new Text("配信試験です。", "A delivery test.")], [new NoticeFact(new Text("番号", "number"), contractId, "§1")], "§1");
        }).ToList();
        // Due a second ago, so that the host's clock (the system's) finds them due at once.
        await stores.Outbox.EnqueueAsync(notices, SystemClock.Instance.GetCurrentInstant() - Duration.FromSeconds(1));
        return notices;
    }

    public string Address(int i) => string.Create(CultureInfo.InvariantCulture, $"n{i:D5}@{Prefix}.example.jp");

    /// <summary>The Message-IDs maildev received for each of this namespace's addresses (one per copy received).</summary>
    public async Task<Dictionary<string, List<string>>> ReceivedAsync()
    {
        var domain = "@" + Prefix + ".example.jp";
        var received = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var mail in await services.EmailsAsync())
        {
            var to = mail.GetProperty("to")[0].GetProperty("address").GetString()!;
            if (!to.EndsWith(domain, StringComparison.Ordinal))
            {
                continue;
            }

            var id = mail.GetProperty("headers").TryGetProperty("message-id", out var header) ? header.GetString()!.Trim().Trim('<', '>') : string.Empty;
            (received.TryGetValue(to, out var ids) ? ids : received[to] = []).Add(id);
        }

        return received;
    }

    public static async Task<List<OutboxItem>> OutboxAsync(LifecycleStores stores)
    {
        var items = new List<OutboxItem>();
        await foreach (var item in stores.Outbox.ListAsync())
        {
            items.Add(item);
        }

        return items;
    }

    public static async Task<List<StoredContract>> ContractsAsync(LifecycleStores stores)
    {
        var contracts = new List<StoredContract>();
        await foreach (var page in stores.Contracts.ScanAsync(100))
        {
            contracts.AddRange(page);
        }

        return contracts;
    }

    /// <summary>The figure after "sent " on a <c>serve --once</c> tick line.</summary>
    public static int SentBy(string output)
    {
        var at = output.LastIndexOf(", sent ", StringComparison.Ordinal);
        return at < 0 ? -1 : int.Parse(output.AsSpan(at + 7).ToString().Split(',')[0], CultureInfo.InvariantCulture);
    }

    public static JsonElement Json(byte[] bytes) => JsonDocument.Parse(bytes).RootElement;
}
