namespace CloudLifecycle.Api;

/// <summary>A query parameter of a route, as the OpenAPI document lists it.</summary>
public sealed record QueryParameter(string Name, string Type, bool Required, string Description)
{
    /// <summary>The values the parameter takes, when it takes a fixed set (anything else is a 400 naming it).</summary>
    public IReadOnlyList<string>? Values { get; init; }

    public int? Minimum { get; init; }

    public int? Maximum { get; init; }
}

/// <summary>
/// One operation of the CRM API: method and path template (<c>contracts/{id}/usage</c>, relative to
/// <c>/api/v1</c>), what it reads and answers (for the OpenAPI document), and its handler.
/// </summary>
public sealed record ApiRoute(
    string Method,
    string Template,
    string OperationId,
    string Summary,
    Type? Body,
    IReadOnlyList<QueryParameter> Query,
    int SuccessStatus,
    Type? SuccessType,
    string SuccessContentType,
    IReadOnlyList<int> Errors,
    Func<ApiCall, Task<ApiResponse>> Handler)
{
    /// <summary>The calendar feed also accepts the contract's feed token in the query, for calendar apps that cannot send headers.</summary>
    public bool AcceptsFeedToken { get; init; }

    /// <summary>Other content types the success answer may have (an invoice as its issued HTML), each a string.</summary>
    public IReadOnlyList<string> AlternativeContentTypes { get; init; } = [];

    /// <summary>Headers the success answer carries (<c>Location</c>, <c>ETag</c>), as the document lists them.</summary>
    public IReadOnlyList<string> SuccessHeaders { get; init; } = [];

    /// <summary>The document also opens with a signed, expiring link (<c>expires</c> and <c>sig</c> in the query, <see cref="Core.Application.DocumentLinks"/>) instead of the API key.</summary>
    public bool AcceptsDocumentLink { get; init; }

    /// <summary>Contract-rule field names as this operation's members name them (the terms say "notice", the body "noticeDate").</summary>
    public IReadOnlyDictionary<string, string> FieldNames { get; init; } = new Dictionary<string, string>();

    private string[] Segments { get; } = Template.Split('/');

    /// <summary>
    /// Matches a path relative to the base (no leading '/'). The path is the server's decoded path, so a
    /// route value is taken as it is: decoding it again would turn %252F into '/' (the server leaves %2F
    /// encoded precisely so that it cannot split a segment).
    /// </summary>
    public bool TryMatch(string path, out Dictionary<string, string> values)
    {
        values = new Dictionary<string, string>(StringComparer.Ordinal);
        var parts = path.Split('/');
        if (parts.Length != Segments.Length)
        {
            return false;
        }

        for (var i = 0; i < parts.Length; i++)
        {
            var segment = Segments[i];
            if (segment.StartsWith('{') && segment.EndsWith('}'))
            {
                var value = parts[i];
                if (value.Length == 0)
                {
                    return false;
                }

                values[segment[1..^1]] = value;
            }
            else if (!string.Equals(segment, parts[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public string RenameField(string field)
    {
        foreach (var (from, to) in FieldNames)
        {
            if (field == from)
            {
                return to;
            }

            if (field.StartsWith(from + ".", StringComparison.Ordinal))
            {
                return to.Length == 0 ? field[(from.Length + 1)..] : to + field[from.Length..];
            }
        }

        return field;
    }
}
