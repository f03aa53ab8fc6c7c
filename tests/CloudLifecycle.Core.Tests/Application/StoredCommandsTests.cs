using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using static CloudLifecycle.Core.Tests.IsoDates;

namespace CloudLifecycle.Core.Tests.Application;

/// <summary>
/// Commands travel as JSON (Durable activity inputs, replayed orchestration histories). A history
/// command written before <see cref="RecordHistory"/> had its name still reads, and one written now is
/// read by an older replica: the discriminator stays <c>recordMilestone</c>.
/// </summary>
public class StoredCommandsTests
{
    private static readonly HistoryEntry Entry = new("refused/2026-06-10/crm-1", D("2026-06-10"), "EventRefused", "§11-2", new Text("受け付けませんでした", "refused"));

    [Fact]
    public void AHistoryCommandStoredUnderItsOldName_ReadsAsRecordHistory()
    {
        var stored = LifecycleJson.Serialize<LifecycleCommand>(new RecordHistory(Entry) { ContractId = "C-1" });

        Assert.Contains("\"type\":\"recordMilestone\"", stored, StringComparison.Ordinal);
        var read = Assert.IsType<RecordHistory>(LifecycleJson.Deserialize<LifecycleCommand>(stored));
        Assert.Equal(Entry, read.Entry);
        Assert.Equal("C-1", read.ContractId);
    }
}
