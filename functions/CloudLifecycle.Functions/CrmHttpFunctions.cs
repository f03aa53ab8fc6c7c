using CloudLifecycle.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CloudLifecycle.Functions;

/// <summary>
/// The CRM API: every route of <see cref="CrmApi"/> (<c>/api/v1/…</c>, <c>/openapi/v1.json</c>) through one
/// HTTP trigger, with ASP.NET Core integration. The API does its own routing, API-key check, idempotency
/// and problem documents and writes the response itself; the trigger only hands it the request. The API is
/// one instance for the app (<see cref="FunctionsApp"/>), so its Idempotency-Key locks hold across
/// concurrent requests; events go through the invocation's Durable client (<see cref="InvocationOrchestrationClient"/>).
/// </summary>
public sealed class CrmHttpFunctions(CrmApi api)
{
    [Function("CrmApi")]
    public async Task<IActionResult> HandleAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", "post", "put", "patch", "delete", "options", Route = "{*path}")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
    {
        InvocationOrchestrationClient.Bind(client);
        await api.HandleAsync(request.HttpContext).ConfigureAwait(false);
        // The API has written status, headers and body.
        return new EmptyResult();
    }
}
