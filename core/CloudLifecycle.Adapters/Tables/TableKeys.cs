using System.Security.Cryptography;
using System.Text;

namespace CloudLifecycle.Adapters.Tables;

/// <summary>
/// Partition and row keys. Contracts (and what is written with them in a run) are spread over 256
/// partitions by a stable hash of the contract id, so that a scan walks one partition at a time and
/// a page's writes go out as entity-group batches of one partition.
/// </summary>
public static class TableKeys
{
    /// <summary>Rows per entity-group transaction (the Table service's limit).</summary>
    public const int MaxBatch = 100;

    public static string Bucket(string contractId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(contractId));
        return Convert.ToHexStringLower(hash, 0, 1);
    }

    /// <summary>Row keys may not contain '/', '\', '#', '?' or control characters.</summary>
    public static string Row(string key) =>
        string.Concat(key.Select(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '|' : c));

    public static string Hashed(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
