using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CloudLifecycle.Core.Application;

namespace CloudLifecycle.Adapters.Blobs;

/// <summary>Documents as block blobs in one container; a path written twice is overwritten with the same content.</summary>
public sealed class BlobDocumentStore(BlobContainerClient container) : IDocumentStore
{
    public BlobContainerClient Container { get; } = container;

    public Task EnsureAsync(CancellationToken cancellationToken = default) => Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    public async Task PutAsync(string path, string contentType, byte[] content, CancellationToken cancellationToken = default) =>
        await Container.GetBlobClient(path).UploadAsync(BinaryData.FromBytes(content),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken).ConfigureAwait(false);

    public async Task<byte[]?> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await Container.GetBlobClient(path).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return response.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
