using BenchmarkDotNet.Running;

// `dotnet run -c Release --project bench/CloudLifecycle.Benchmarks -- --filter '*' --job short` (README, "Benchmarks").
BenchmarkSwitcher.FromAssembly(typeof(CloudLifecycle.Benchmarks.HotPaths).Assembly).Run(args);
