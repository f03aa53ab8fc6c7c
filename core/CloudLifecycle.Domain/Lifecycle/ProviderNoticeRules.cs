using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;

namespace CloudLifecycle.Core.Lifecycle;

/// <summary>
/// What a notice from the provider does once the product's terms have dated it. The terms say which
/// of their rules end the contract on the provider's notice (<see cref="DeadlineRule.BoundsStatedEnd"/>:
/// eclect-aws §30-2, NTT §14-2 and §16, OPTAGE §5-3 and §29-3); a breach notice (<c>cure</c>) opens a
/// period the customer must cure within. Any other rule is not something the provider notifies.
/// </summary>
public static class ProviderNoticeRules
{
    /// <summary>
    /// The milestone a notice under a rule creates and its effect. <see cref="NeedsStatedDate"/>: the
    /// clause only bounds how early the day may be and leaves the day itself to the provider, so the
    /// notice must state it (a discontinuation, eclect-aws §30-2 「終了する２５日前までに」, NTT §14-2; a
    /// website posting, OPTAGE §5-3 only says when the posting counts as notified, the stop date is the
    /// notice's, §5-2). A termination (OPTAGE §29-3, NTT §16) ends at the notice period's end unless a later day is stated.
    /// </summary>
    public sealed record Effect(MilestoneKind Kind, DeadlineEffect DeadlineEffect, Text Description, bool NeedsStatedDate = false);

    public const string Cure = "cure";

    private static readonly string[] EndsOnTheDayTheProviderStates = ["discontinuation", "deemed-notice"];

    private static readonly Text EndedByTheProvider = new("提供者による契約終了", "contract ended by the provider");

    private static readonly Text LastDayToCure = new("違反の是正期限", "last day to cure the breach");

    public static Effect? For(DeadlineRule rule) => rule switch
    {
        { BoundsStatedEnd: true } => new(MilestoneKind.ContractEnd, DeadlineEffect.EndsContract, EndedByTheProvider, EndsOnTheDayTheProviderStates.Contains(rule.Name)),
        { Name: Cure } => new(MilestoneKind.CureDeadline, DeadlineEffect.Deadline, LastDayToCure),
        _ => null,
    };
}
