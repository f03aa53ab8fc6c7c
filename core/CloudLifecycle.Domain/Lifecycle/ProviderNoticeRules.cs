using CloudLifecycle.Core.Contracts;

namespace CloudLifecycle.Core.Lifecycle;

/// <summary>
/// What a notice from the provider does once the product's terms have dated it (a
/// <see cref="Terms.DeadlineRule"/> of the same name): the milestone it puts in the plan and whether
/// the contract ends on that day. A product accepts the notices whose rule its terms define.
/// </summary>
public static class ProviderNoticeRules
{
    /// <summary>
    /// The milestone a notice under a rule creates, and its effect. <see cref="NeedsStatedDate"/>: the
    /// clause leaves the day to the provider (it only sets how early it may be), so the notice must state it.
    /// </summary>
    public sealed record Effect(MilestoneKind Kind, DeadlineEffect DeadlineEffect, Text Description, bool NeedsStatedDate = false);

    private static readonly IReadOnlyDictionary<string, Effect> ByRule = new Dictionary<string, Effect>(StringComparer.Ordinal)
    {
        // eclect-aws §30-2: 「終了する２５日前までに」 the provider announces the end it chooses, 25 days ahead at least.
        ["discontinuation"] = new(MilestoneKind.ContractEnd, DeadlineEffect.EndsContract, new Text("提供者による契約終了", "contract ended by the provider"), NeedsStatedDate: true),
        // OPTAGE §29-3: the provider ends the contract on notice.
        ["provider-termination"] = new(MilestoneKind.ContractEnd, DeadlineEffect.EndsContract, new Text("提供者による契約終了", "contract ended by the provider")),
        // OPTAGE §5-3 only says when a website posting counts as notified; the end is the stop date the notice states (§5-2).
        ["deemed-notice"] = new(MilestoneKind.ContractEnd, DeadlineEffect.EndsContract, new Text("提供者による契約終了", "contract ended by the provider"), NeedsStatedDate: true),
        // eclect-aws §28-1(2), nec-express5800: a breach notice opens a cure period; the customer must cure by its last day.
        ["cure"] = new(MilestoneKind.CureDeadline, DeadlineEffect.Deadline, new Text("違反の是正期限", "last day to cure the breach")),
    };

    /// <summary>The rules a provider notice may name, whatever the product.</summary>
    public static IEnumerable<string> Names => ByRule.Keys;

    public static Effect? For(string rule) => ByRule.GetValueOrDefault(rule);
}
