using System.Text;
using CloudLifecycle.Host.Cli;

Console.OutputEncoding = Encoding.UTF8;
// Shift_JIS (code page 932) for the accounting import files (export journal, GET /journal): the shared framework's provider.
Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
return CommandLineApp.Run(args, Console.Out, Console.Error);
