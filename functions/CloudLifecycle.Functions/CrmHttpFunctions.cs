using CloudLifecycle.Api;
using CloudLifecycle.Core.Application;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace CloudLifecycle.Functions;

/// <summary>
/// The CRM API: every route of <see cref="CrmApi"/> (<c>/api/v1/…</c>, <c>/openapi/v1.json</c>) through one
/// HTTP trigger, with ASP.NET Core integration. The API does its own routing, API-key check, idempotency
/// and problem documents and writes the response itself; the trigger only hands it the request. Events
/// are stored as pending, then raised to the contract's orchestration (<see cref="OrchestratedContractEvents"/>).
/// </summary>
public sealed class CrmHttpFunctions(CrmApiOptions options, LifecycleStores stores, IClock clock, ILogger<CrmHttpFunctions> logger)
{
    [Function("CrmApi")]
    public async Task<IActionResult> HandleAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", "post", "put", "patch", "delete", "options", Route = "{*path}")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
    {
        var orchestrations = new DurableOrchestrationClient(client);
        using var api = new CrmApi(options, stores, new OrchestratedContractEvents(stores, orchestrations, clock), new OrchestratedBillingRuns(stores, orchestrations, clock), logger);
        await api.HandleAsync(request.HttpContext).ConfigureAwait(false);
        // The API has written status, headers and body.
        return new EmptyResult();
    }
}
