using static CloudLifecycle.Host.Tests.Cli.CliRunner;

namespace CloudLifecycle.Host.Tests.Cli;

/// <summary><c>serve</c> as an operator starts it.</summary>
public class ServeCommandTests
{
    [Fact]
    public void Serve_WithoutAnApiKey_RefusesToStart_AndSaysWhichVariableToSet()
    {
        Assert.Null(Environment.GetEnvironmentVariable("CloudLifecycle__ApiKeys__0"));
        var (exit, _, err) = Run("serve", "--embedded", "--out", Path.Combine(Path.GetTempPath(), "cl-serve-" + Guid.NewGuid().ToString("N")));

        Assert.NotEqual(0, exit);
        Assert.Contains("CloudLifecycle__ApiKeys__0", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_EmbeddedOnce_RunsOneSchedulerTickWithoutStorage()
    {
        var outDir = Path.Combine(Path.GetTempPath(), "cl-serve-" + Guid.NewGuid().ToString("N"));
        var (exit, stdout, err) = Run("serve", "--embedded", "--once", "--out", outDir);

        Assert.True(exit == 0, err);
        Assert.Contains("embedded: in-memory stores", stdout, StringComparison.Ordinal);
        Assert.Contains("woke 0", stdout, StringComparison.Ordinal);
        Assert.True(Directory.Exists(outDir));
    }
}
