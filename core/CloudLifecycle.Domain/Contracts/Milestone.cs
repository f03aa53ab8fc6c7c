using NodaTime;

namespace CloudLifecycle.Core.Contracts;

/// <summary>
/// One dated event of a contract's life, with the clause it comes from and a short description.
/// Plans sort milestones by date, then by <see cref="MilestoneKind"/> in declaration order.
/// </summary>
public sealed record Milestone
{
    /// <summary>Writes the description when it is first read (a plan built lazily), then never again.</summary>
    private readonly Func<Text>? describe;

    private Text? description;

    public Milestone(LocalDate Date, MilestoneKind Kind, string Clause, Text Description)
    {
        this.Date = Date;
        this.Kind = Kind;
        this.Clause = Clause;
        description = Description;
    }

    /// <summary>
    /// A milestone whose description is formatted only if read. A round plans months ahead but records or reminds of a
    /// few milestones at most; formatting the bilingual text of every one was a third of a monthly run (issue 17). The
    /// text is the same whenever it is read: <paramref name="describe"/> must depend only on values fixed when it is made.
    /// </summary>
    internal Milestone(LocalDate date, MilestoneKind kind, string clause, Func<Text> describe)
    {
        Date = date;
        Kind = kind;
        Clause = clause;
        this.describe = describe;
    }

    public LocalDate Date { get; init; }

    public MilestoneKind Kind { get; init; }

    public string Clause { get; init; }

    public Text Description
    {
        // A race formats the same text twice and keeps either: both are equal.
        get => description ??= describe!();
        init
        {
            description = value;
            describe = null;
        }
    }

    /// <summary>Equal by what it says (date, kind, clause, description), however the description was made.</summary>
    public bool Equals(Milestone? other) =>
        ReferenceEquals(this, other)
        || (other is not null && Date == other.Date && Kind == other.Kind && string.Equals(Clause, other.Clause, StringComparison.Ordinal) && Description == other.Description);

    public override int GetHashCode() => HashCode.Combine(Date, Kind, Clause, Description);

    public void Deconstruct(out LocalDate Date, out MilestoneKind Kind, out string Clause, out Text Description)
    {
        Date = this.Date;
        Kind = this.Kind;
        Clause = this.Clause;
        Description = this.Description;
    }

    /// <summary>Date, then kind, then clause, then text: a total order, so plans are deterministic.</summary>
    public static readonly IComparer<Milestone> Order = Comparer<Milestone>.Create((a, b) =>
    {
        var byDate = a.Date.CompareTo(b.Date);
        if (byDate != 0)
        {
            return byDate;
        }

        var byKind = a.Kind.CompareTo(b.Kind);
        if (byKind != 0)
        {
            return byKind;
        }

        var byClause = string.CompareOrdinal(a.Clause, b.Clause);
        return byClause != 0 ? byClause : string.CompareOrdinal(a.Description.En, b.Description.En);
    });
}

/// <summary>What a milestone is. The order here is the order of milestones on the same day.</summary>
public enum MilestoneKind
{
    ApplicationDeemedRejected,
    ContractStart,
    FirstChargedMonth,
    ResourceFeeStart,
    ExtensionDeadline,
    RenewalDeclarationDeadline,
    CancellationNoticeDeadline,
    CureDeadline,
    ServiceSuspended,
    InvoiceDeadline,
    PaymentDue,
    TermEnd,
    MinimumTermEnd,
    EarlyTerminationCharge,
    DataDeletionDeadline,
    UsagePeriodEnd,
    CancellationEffective,
    RemovalSchedulingDeadline,
    EquipmentRemoval,
    RemovalDeadline,
    ContractEnd,
    ConfidentialityEnd,
}
