using NodaTime;

namespace CloudLifecycle.Core.Contracts;

/// <summary>
/// One dated event of a contract's life, with the clause it comes from and a short description.
/// Plans sort milestones by date, then by <see cref="MilestoneKind"/> in declaration order.
/// </summary>
public sealed record Milestone(LocalDate Date, MilestoneKind Kind, string Clause, Text Description)
{
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
