using CloudLifecycle.Core.Contracts;
using NodaTime;

namespace CloudLifecycle.Core.Terms;

/// <summary>
/// A date that follows from one event by a clause: <see cref="Compute"/> maps the event's date
/// (<see cref="FromMeaning"/>) to the resulting date (<see cref="DateMeaning"/>), <see cref="Explain"/>
/// says so in both languages.
///
/// Periods of days after an event are counted as the Civil Code counts them (民法 §140: the event's
/// day is not counted): 「7日を経過しても是正されない」 after a notice on 12-28 means 12-29 … 01-04 are the
/// seven days, 01-04 is the last day to cure (<see cref="PeriodLastDay"/>) and the consequence may
/// follow from 01-05 (<see cref="Compute"/>). A rule whose date is the day after its period says
/// both, so that no field or sentence can be read one day off.
/// </summary>
public sealed record DeadlineRule(
    string Name,
    string Clause,
    string FromMeaning,
    string DateMeaning,
    Func<LocalDate, LocalDate> Compute,
    Func<LocalDate, LocalDate, Text> Explain)
{
    /// <summary>The last day of the period the clause counts, for rules whose date is the first day after it.</summary>
    public Func<LocalDate, LocalDate>? PeriodLastDay { get; init; }

    /// <summary>
    /// True when <see cref="Compute"/> gives the earliest end a provider's notice allows: the end is
    /// the day the provider states, and a stated end before it is refused (<see cref="ContractTerms.ValidateProviderEnd"/>).
    /// </summary>
    public bool BoundsStatedEnd { get; init; }

    /// <summary>
    /// The provider ends the contract against a payment to the customer of this many months of the fees
    /// in force at the notice, tax excluded (OPTAGE §29-3 「利用料金(消費税相当額を除きます。)3カ月分に相当する金員」); 0: no payment.
    /// </summary>
    public int PayoutMonths { get; init; }

    /// <summary>
    /// The clause that makes the provider notify the day of the step beforehand (NEC §19-2, NTT §34-2
    /// 「あらかじめその理由、利用停止をする日及び期間を契約者に通知」): the step then starts on the day the
    /// notice states, after the notice. Null: the step may follow the notice at once.
    /// </summary>
    public string? AdvanceNoticeClause { get; init; }

    /// <summary>The rule read backwards: from a resulting date, the last day the event may happen to reach it.</summary>
    public DeadlineReverse? Reverse { get; init; }
}

/// <summary>
/// A <see cref="DeadlineRule"/> read backwards: <see cref="Compute"/> maps a resulting date (for
/// example the day a service ends) to the last day the event (the notice) may happen.
/// </summary>
public sealed record DeadlineReverse(
    string FromMeaning,
    string DateMeaning,
    Func<LocalDate, LocalDate> Compute,
    Func<LocalDate, LocalDate, Text> Explain);
