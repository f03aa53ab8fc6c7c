namespace CloudLifecycle.Core.Contracts;

/// <summary>Why input was refused, so that a caller can answer in its own terms (an HTTP status, an exit code).</summary>
public enum RefusalKind
{
    /// <summary>The input breaks a rule of the contract or of the request (a date that is not a 20th, a negative amount).</summary>
    Invalid,

    /// <summary>The contract (or what the input names) does not exist.</summary>
    NotFound,

    /// <summary>The input is valid but the contract's state forbids it now (already registered, already cancelled, already ended).</summary>
    Conflict,

    /// <summary>The caller's view of the contract is out of date (its expected version is not the stored one).</summary>
    Stale,
}

/// <summary>
/// Input that a contract's terms refuse: names the field, the reason and, when a clause is the
/// reason, the clause (for example a requested eclect-aws cancellation date that is not a 20th, §27-1).
/// </summary>
public sealed class ContractRuleException : Exception
{
    public ContractRuleException(string field, string message, string? clause = null, RefusalKind kind = RefusalKind.Invalid)
        : base(clause is null ? $"{field}: {message}" : $"{field}: {message} ({clause})")
    {
        Field = field;
        Reason = message;
        Clause = clause;
        Kind = kind;
    }

    public string Field { get; }

    public string Reason { get; }

    public string? Clause { get; }

    public RefusalKind Kind { get; }
}
