namespace CloudLifecycle.Host.Cli;

/// <summary>Arguments the command line cannot accept: exit code 2, message on stderr.</summary>
internal sealed class UsageException(string message) : Exception(message);
