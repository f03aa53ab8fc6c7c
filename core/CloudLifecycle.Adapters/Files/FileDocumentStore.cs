using CloudLifecycle.Core.Application;

namespace CloudLifecycle.Adapters.Files;

/// <summary>Documents as files under a root folder (the embedded demo's blob storage).</summary>
public sealed class FileDocumentStore(string root) : IDocumentStore
{
    public async Task PutAsync(string path, string contentType, byte[] content, CancellationToken cancellationToken = default)
    {
        var full = Resolve(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.WriteAllBytesAsync(full, content, cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]?> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = Resolve(path);
        return File.Exists(full) ? await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false) : null;
    }

    private string Resolve(string path)
    {
        var full = Path.GetFullPath(Path.Combine(root, path));
        return full.StartsWith(Path.GetFullPath(root), StringComparison.Ordinal)
            ? full
            : throw new ArgumentException($"'{path}' leaves the document folder", nameof(path));
    }
}
