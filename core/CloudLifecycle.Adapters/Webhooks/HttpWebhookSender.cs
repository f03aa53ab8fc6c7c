using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using CloudLifecycle.Core.Application;

namespace CloudLifecycle.Adapters.Webhooks;

/// <summary>
/// POSTs webhooks to one endpoint with <see cref="HttpClient"/>: the body as <c>application/json</c> (UTF-8, the exact
/// text that was signed), the Standard Webhooks headers, no redirect followed (a 3xx is an answer to retry, not a place
/// to send a signed body to). A timeout is a <see cref="TimeoutException"/>, which the delivery retries.
/// </summary>
public sealed class HttpWebhookSender : IWebhookSender, IDisposable
{
    private readonly HttpClient client;
    private readonly Uri endpoint;

    public HttpWebhookSender(Uri endpoint, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        this.endpoint = endpoint;
        client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = timeout };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("CloudLifecycle-Webhooks", "1"));
    }

    public async Task<int> PostAsync(WebhookRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(request.Body, Encoding.UTF8, "application/json"),
        };
        message.Headers.Add("webhook-id", request.Id);
        message.Headers.Add("webhook-timestamp", request.Timestamp.ToString(CultureInfo.InvariantCulture));
        message.Headers.Add("webhook-signature", request.Signature);
        try
        {
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return (int)response.StatusCode;
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer from the webhook endpoint within {client.Timeout.TotalSeconds:0} s", e);
        }
    }

    public void Dispose() => client.Dispose();
}
