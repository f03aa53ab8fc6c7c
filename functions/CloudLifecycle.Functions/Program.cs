using Azure.Core.Serialization;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Functions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Shift_JIS (code page 932) for the accounting import files GET /journal answers: the shared framework's provider.
System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

// The same registrations as the local host; only the event path differs (Durable orchestrations).
builder.Services.AddFunctionsApp(builder.Configuration);

// Durable payloads travel as LifecycleJson text (WorkflowJson); the worker's own serializer then only
// carries strings, but is given the same options so nothing it writes differs from the stores.
builder.Services.Configure<WorkerOptions>(options => options.Serializer = new JsonObjectSerializer(LifecycleJson.Options));

builder.Build().Run();
