namespace CloudLifecycle.Core.Contracts;

/// <summary>
/// Input that a contract's terms refuse: names the field, the reason and, when a clause is the
/// reason, the clause (for example a requested eclect-aws cancellation date that is not a 20th, §27-1).
/// </summary>
public sealed class ContractRuleException : Exception
{
    public ContractRuleException(string field, string message, string? clause = null)
        : base(clause is null ? $"{field}: {message}" : $"{field}: {message} ({clause})")
    {
        Field = field;
        Reason = message;
        Clause = clause;
    }

    public string Field { get; }

    public string Reason { get; }

    public string? Clause { get; }
}
