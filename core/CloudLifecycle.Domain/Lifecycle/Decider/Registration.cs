using CloudLifecycle.Core.Contracts;

namespace CloudLifecycle.Core.Lifecycle.Decider;

/// <summary>Registration: the contract is announced with its key dates, once.</summary>
internal static class Registration
{
    public static FamilyOutcome Register(DecisionDraft draft)
    {
        var state = draft.Before;
        if (state.ProcessedThrough is not null)
        {
            throw new ContractRuleException("contractId", $"contract {state.ContractId} is already registered", kind: RefusalKind.Conflict);
        }

        var keyDates = DueMilestones.KeyDates(state, draft.Today);
        draft.Record(new HistoryEntry("event/registered", draft.Today, "Registered", string.Empty, new Text("契約を登録しました", "contract registered")));
        draft.Enqueue(NoticeComposer.Registered(state, keyDates, draft.Today));
        return (state with { RegisteredOn = draft.Today }, new Consequence(new Text("契約を登録しました", "contract registered"), keyDates.Count > 0 ? keyDates[0].Clause : null, state.Dates.Start));
    }
}
