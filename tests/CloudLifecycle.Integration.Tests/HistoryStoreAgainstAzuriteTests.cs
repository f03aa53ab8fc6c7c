using Azure.Data.Tables;
using CloudLifecycle.Adapters.Tables;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Integration.Tests;

/// <summary>
/// Issue 17: history rows are partitioned by the contract's hash bucket (a page's history is one entity-group
/// transaction per bucket, not one per contract) on real Table Storage, and a contract's history still reads as its
/// own: with a neighbour whose id starts the same, with a contract named like a bucket, and with rows stored in the
/// earlier layout (one partition per contract), which stay readable without a migration.
/// </summary>
[Collection(ServicesFixtureGroup.Name)]
public sealed class HistoryStoreAgainstAzuriteTests(TestServices services)
{
    private static readonly LocalDate Day = new(2026, 5, 20);

    private static RecordHistory Entry(string contractId, string key, string english) =>
        new(new HistoryEntry(key, Day, "Test", "§26", new Text(english, english))) { ContractId = contractId };

    [Fact]
    public async Task EachContractReadsItsOwnEntries_FromOneBucketPartition_AndEntriesOfTheEarlierLayoutToo()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..10];
        var stores = await AzureStorage.ConnectAsync(services.StorageConnectionString, prefix);
        var table = new TableServiceClient(services.StorageConnectionString).GetTableClient(prefix + "History");
        // Rows a host stored before buckets: PartitionKey = contract id, RowKey = the entry's key, no ContractId column.
        foreach (var (key, english) in new[] { ("renewed/2026-04-20", "old renewal"), ("term/2026-05-20", "old text of the same key") })
        {
            await table.AddEntityAsync(new TableEntity("IT-HIST", TableKeys.Row(key))
            {
                ["Entry"] = LifecycleJson.Serialize(new HistoryEntry(key, Day.PlusDays(key.StartsWith("renewed", StringComparison.Ordinal) ? -30 : 0), "Test", "§26", new Text(english, english))),
                ["Date"] = "2026-04-20",
            });
        }

        var bucketNamed = TableKeys.Bucket("IT-HIST");
        await stores.History.AppendAsync(
        [
            Entry("IT-HIST", "term/2026-05-20", "new text"),
            Entry("IT-HIST", "notice/2026-05-20", "notice"),
            Entry("IT-HIST.2", "term/2026-05-20", "the neighbour's"),
            Entry(bucketNamed, "term/2026-05-20", "a contract named like the bucket"),
        ]);

        var own = await stores.History.ListAsync("IT-HIST");
        var neighbour = await stores.History.ListAsync("IT-HIST.2");
        var namedLikeTheBucket = await stores.History.ListAsync(bucketNamed);

        Assert.Equal(["renewed/2026-04-20", "notice/2026-05-20", "term/2026-05-20"], own.Select(e => e.Key));
        Assert.Equal("new text", own.Single(e => e.Key == "term/2026-05-20").Description.En);
        Assert.Equal(["the neighbour's"], neighbour.Select(e => e.Description.En));
        Assert.Equal(["a contract named like the bucket"], namedLikeTheBucket.Select(e => e.Description.En));
        // The new rows of IT-HIST live in its bucket's partition, beside its contract row.
        var partitions = new HashSet<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ContractId eq {"IT-HIST"}")))
        {
            partitions.Add(row.PartitionKey);
        }

        Assert.Equal([TableKeys.Bucket("IT-HIST")], partitions);
    }
}
