using System.Text;
using CloudLifecycle.Host.Cli;

Console.OutputEncoding = Encoding.UTF8;
return CommandLineApp.Run(args, Console.Out, Console.Error);
