using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Api;

// Response bodies of the CRM API: plain records over the core's types, each date with its clause.

/// <summary>A dated milestone and the clause it comes from.</summary>
public sealed record MilestoneView(LocalDate Date, string Kind, string Clause, Text Description)
{
    public static MilestoneView Of(Milestone m) => new(m.Date, Camel(m.Kind.ToString()), m.Clause, m.Description);

    internal static string Camel(string name) => Core.Application.LifecycleJson.Camel(name);
}

/// <summary>A line of a contract's history.</summary>
public sealed record HistoryView(LocalDate Date, string Kind, string Clause, Text Description, string Key)
{
    public static HistoryView Of(HistoryEntry e) => new(e.Date, MilestoneView.Camel(e.Kind), e.Clause, e.Description, e.Key);
}

/// <summary>Links to a contract's other resources.</summary>
public sealed record ContractLinks(string Self, string Invoices, string Calendar, string Timeline, string? CalendarSubscription = null);

public sealed record PlanView(LocalDate EffectiveFrom, string Plan, int Components, bool Windows);

public sealed record OpenInvoiceView(string Number, YearMonth Month, long Total, long Outstanding, LocalDate DueDate);

/// <summary>
/// A contract as the CRM sees it; <see cref="History"/> only on <c>GET /contracts/{id}</c>.
/// <see cref="ExtensionRequest"/>: nec-express5800's latest §2-3 request (<c>outcome</c> pending, approved or
/// declined) — a pending one changes no date, so it shows here beside the key dates; <see cref="Prices"/>:
/// prices agreed after registration, each from its day.
/// </summary>
public sealed record ContractView(
    string ContractId,
    ProductCode Product,
    ContractStatus Status,
    Customer Customer,
    LocalDate StartDate,
    LocalDate? EndDate,
    LocalDate? RemovalDate,
    string IssuerRegistrationNumber,
    LocalDate RegisteredOn,
    LocalDate? ProcessedThrough,
    LocalDate? NextWake,
    long Version,
    CancellationRecord? Cancellation,
    string? ProviderEndClause,
    IReadOnlyList<PlanView> Plans,
    ExtensionRecord? ExtensionRequest,
    IReadOnlyList<PricePeriod> Prices,
    IReadOnlyList<YearMonth> InvoicedMonths,
    IReadOnlyList<OpenInvoiceView> OpenInvoices,
    IReadOnlyList<MilestoneView> KeyDates,
    IReadOnlyList<MilestoneView> Upcoming,
    IReadOnlyList<HistoryView>? History,
    ContractLinks Links);

/// <summary>One row of <c>GET /contracts</c>.</summary>
public sealed record ContractSummary(string ContractId, ProductCode Product, ContractStatus Status, string CustomerName, LocalDate StartDate, LocalDate? EndDate, MilestoneView? NextDeadline, long Version, string Self);

public sealed record ContractList(IReadOnlyList<ContractSummary> Contracts, int Count, string? Next);

/// <summary>What an accepted event meant: the consequence with its clause and figures, and the deadlines that follow.</summary>
public sealed record ConsequenceView(Text Summary, string? Clause, LocalDate? EffectiveDate, long? Amount, string? InvoiceNumber, bool Changed)
{
    public static ConsequenceView Of(Consequence c) => new(c.Summary, c.Clause, c.EffectiveDate, c.Amount, c.InvoiceNumber, c.Changed);
}

/// <summary>A charge line (early termination, remaining months) with its clause.</summary>
public sealed record ChargeView(string Code, Text Description, long Amount, string Clause)
{
    public static ChargeView Of(InvoiceLine line) => new(line.Code, line.Description, line.Amount, line.Clause);
}

/// <summary>202 body of the event endpoints; <see cref="Extension"/> on the nec-express5800 §2-3 extension events (<c>outcome</c>: pending after a request).</summary>
public sealed record EventAccepted(
    string ContractId,
    string Event,
    ContractStatus Status,
    long Version,
    ConsequenceView Consequence,
    IReadOnlyList<ChargeView>? Charges,
    ExtensionRecord? Extension,
    IReadOnlyList<MilestoneView> UpcomingDeadlines,
    string Contract);

/// <summary>The what-if of <c>GET /contracts/{id}/quotes/cancellation</c>: the terms' quote and the charges it leads to; nothing is stored.</summary>
public sealed record CancellationQuoteView(string ContractId, CancellationQuote Quote, IReadOnlyList<ChargeView> Charges, long ChargesTotal);

/// <summary>One row of <c>GET /contracts/{id}/invoices</c>.</summary>
public sealed record InvoiceSummary(string Number, YearMonth Month, LocalDate IssueDate, LocalDate DueDate, string DueDateClause, long Total, long Outstanding, string Self, string Html);

public sealed record InvoiceList(string ContractId, IReadOnlyList<InvoiceSummary> Invoices);

/// <summary>A monthly run as <c>/billing-runs/{month}</c> shows it.</summary>
public sealed record BillingRunView(YearMonth Month, BillingRunState State, Instant StartedAt, Instant UpdatedAt, int Contracts, int Invoiced, BillingRunReport? Report, string? Error, string Self)
{
    public static BillingRunView Of(BillingRunStatus s, string self) => new(s.Month, s.State, s.StartedAt, s.UpdatedAt, s.Contracts, s.Invoiced, s.Report, s.Error, self);
}
