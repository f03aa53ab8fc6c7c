using System.Text.Json;
using CloudLifecycle.Host.Cli;

namespace CloudLifecycle.Host.Tests.Cli;

/// <summary>Runs the command line in-process as other tools call it: arguments in, exit code and output out.</summary>
internal static class CliRunner
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = CommandLineApp.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs a command that must succeed and returns its JSON document.</summary>
    public static JsonElement Json(params string[] args)
    {
        var (exit, output, error) = Run(args);
        Assert.True(exit == 0, error);
        return JsonDocument.Parse(output).RootElement;
    }
}
