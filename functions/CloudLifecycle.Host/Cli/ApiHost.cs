using CloudLifecycle.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// The local host's web server: every request goes to <see cref="CrmApi.HandleAsync"/>, which
/// routes <c>/api/v1/…</c> and <c>/openapi/v1.json</c> and answers anything else with a 404 problem.
/// </summary>
internal static class ApiHost
{
    public static WebApplication Build(CrmApi api, IReadOnlyList<string> urls, Action<WebApplicationBuilder>? configure = null, Action<WebApplication>? middleware = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls([.. urls]);
        // Kestrel stops a body a little over the API's limit; the API answers 413 itself below that.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = api.Options.MaxBodyBytes + 1024);
        configure?.Invoke(builder);
        var app = builder.Build();
        // bench-http times the requests here (the server's share of the latency).
        middleware?.Invoke(app);
        app.Run(api.HandleAsync);
        return app;
    }
}
