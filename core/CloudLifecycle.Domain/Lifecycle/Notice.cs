using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle;

/// <summary>The notices the workflow sends customers.</summary>
public enum NoticeKind
{
    Registered,
    DeadlineReminder,
    CancellationReceived,
    ExtensionRequestReceived,
    ExtensionConfirmed,
    ExtensionDeclined,
    DataDeletionReminder,
    RemovalScheduling,
    InvoiceIssued,
    PaymentOverdue,
    ProviderTermination,
    ProviderDeadline,
    SuspensionAnnounced,
    SuspensionEffective,
    ServiceResumed,
    NonPaymentTermination,
}

/// <summary>A dated figure in a notice: what it is, its value, and the clause behind it.</summary>
public sealed record NoticeFact(Text Label, string Value, string Clause);

/// <summary>
/// A customer notice, composed in both languages. <see cref="Id"/> is a function of the contract and
/// of what is announced, so that deciding it twice enqueues it once and a resend keeps its message id.
/// </summary>
public sealed record Notice(
    string Id,
    string ContractId,
    NoticeKind Kind,
    LocalDate Date,
    Customer To,
    Text Subject,
    IReadOnlyList<Text> Paragraphs,
    IReadOnlyList<NoticeFact> Facts,
    string Clause,
    string? InvoiceNumber = null)
{
    /// <summary>
    /// Who sends it: the issuer's name and registration number (the contract's 適格請求書発行事業者), shown as the mail's
    /// From name and at its end. Null in a notice stored before it was kept (the mail then names the configured sender).
    /// </summary>
    public Billing.Issuer? From { get; init; }
}
