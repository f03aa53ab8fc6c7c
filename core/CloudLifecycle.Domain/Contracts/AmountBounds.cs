using System.Globalization;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Calendars;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Core.Contracts;

/// <summary>
/// The documented range of one kind of figure: a value outside it is refused naming the field, before
/// it can be stored or reach an invoice. <see cref="MinimumExcluded"/> makes the lower end open (an
/// exchange rate of 0 is no rate).
/// </summary>
public sealed record AmountBound(string What, decimal Minimum, decimal Maximum, string Unit, bool MinimumExcluded = false)
{
    /// <summary>
    /// The clause that defines the figure, when one product's clause does (eclect-aws §13-1(1) for AWS usage in
    /// dollars): cited when the figure is refused, so a negative usage names what it is the usage of. The bounds
    /// themselves are our policy; the clause says what the figure is.
    /// </summary>
    public string? Clause { get; init; }

    public bool Contains(decimal value) => (MinimumExcluded ? value > Minimum : value >= Minimum) && value <= Maximum;

    /// <summary>The range in words: "from 0 to 10,000,000,000 USD", "more than 0 and at most 10,000 yen per USD".</summary>
    public string Range => MinimumExcluded
        ? string.Create(CultureInfo.InvariantCulture, $"more than {Minimum:#,0.####} and at most {Maximum:#,0.####} {Unit}")
        : string.Create(CultureInfo.InvariantCulture, $"from {Minimum:#,0.####} to {Maximum:#,0.####} {Unit}");

    /// <summary>Refuses <paramref name="value"/> when it is outside the range, naming <paramref name="field"/>.</summary>
    public void Check(decimal? value, string field)
    {
        if (value is { } given && !Contains(given))
        {
            throw new ContractRuleException(field, string.Create(CultureInfo.InvariantCulture, $"{given} is out of bounds: {What} must be {Range}"), Clause);
        }
    }
}

/// <summary>The documented range of the dates an input may carry: a date outside it is refused naming the field.</summary>
public sealed record DateBound(string What, LocalDate First, LocalDate Last)
{
    public bool Contains(LocalDate date) => date >= First && date <= Last;

    public string Range => string.Create(CultureInfo.InvariantCulture, $"from {First:uuuu-MM-dd} to {Last:uuuu-MM-dd}");

    public void Check(LocalDate? date, string field)
    {
        if (date is { } given && !Contains(given))
        {
            throw new ContractRuleException(field, string.Create(CultureInfo.InvariantCulture, $"{given:uuuu-MM-dd} is out of bounds: {What} must be {Range}"));
        }
    }

    public void Check(YearMonth? month, string field)
    {
        if (month is { } given && !(Contains(given.OnDayOfMonth(1)) && Contains(given.OnDayOfMonth(given.Calendar.GetDaysInMonth(given.Year, given.Month)))))
        {
            throw new ContractRuleException(field, string.Create(CultureInfo.InvariantCulture, $"{given:uuuu-MM} is out of bounds: {What} must be {Range}"));
        }
    }
}

/// <summary>
/// The bounds of every amount (and date) the system accepts, in one place: the CRM API, the command line and the
/// domain read them from here. They are generous for any reseller's contract and tight enough that no
/// arithmetic of an invoice can overflow: the largest invoice the bounds allow stays below 10^18 yen
/// (an invoice total is a 64-bit integer, at most 9.2 × 10^18), so one absurd figure can neither crash a
/// month's run nor be stored to crash the next one. A contract the bounds would refuse is refused at the
/// door (registration, event) rather than at the month's end.
/// </summary>
public static class AmountBounds
{
    /// <summary>A month's AWS usage in dollars (eclect-aws §13-1(1)): up to ten billion.</summary>
    public static readonly AmountBound UsdAmount = new("a USD amount", 0m, 10_000_000_000m, "USD") { Clause = "§13-1(1)" };

    /// <summary>Any amount of yen: fees, usage in yen, resource fees, payments; up to one trillion (10^12).</summary>
    public static readonly AmountBound YenAmount = new("a yen amount", 0m, 1_000_000_000_000m, "yen");

    /// <summary>nec-express5800 §4-4: the price of one metered unit; up to 10^8 yen, so price × quantity stays below 10^17.</summary>
    public static readonly AmountBound UnitPrice = new("a unit price", 0m, 100_000_000m, "yen") { Clause = "§4-4" };

    /// <summary>eclect-aws §15: yen per US dollar, positive, up to 10,000 (the rate has been between 75 and 360 since 1971).</summary>
    public static readonly AmountBound FxRate = new("an exchange rate", 0m, 10_000m, "yen per USD", MinimumExcluded: true) { Clause = "§15" };

    /// <summary>nec-express5800 §4-4: metered units in a month; up to 10^9.</summary>
    public static readonly AmountBound Quantity = new("a metered quantity", 0m, 1_000_000_000m, "units") { Clause = "§4-4" };

    /// <summary>ntt-east-aws-ops 別紙2 第2表, OPTAGE 別表2: components of a plan (or with an option); up to 10,000.</summary>
    public static readonly AmountBound Components = new("a component count", 0m, 10_000m, "components");

    /// <summary>ntt-east-aws-ops 別紙2 第1表: units of one setup item; up to 10,000.</summary>
    public static readonly AmountBound SetupQuantity = new("a setup quantity", 0m, 10_000m, "units");

    /// <summary>Outage hours reported for one month's invoice: a month has at most 31 × 24 = 744 hours.</summary>
    public static readonly AmountBound OutageHours = new("outage hours in a month", 0m, 744m, "hours");

    /// <summary>nec-express5800 §11-1: whole days down credited on one month's invoice (744 hours).</summary>
    public static readonly AmountBound OutageDays = new("outage days in a month", 0m, 31m, "days");

    /// <summary>
    /// Any date an input carries: the years the calendars cover (Japanese holidays 2000–2099), less a year at the
    /// start for periods counted back and four at the end for deadlines, due dates and confidentiality counted
    /// forward, so that nothing computed from an accepted date falls outside the calendars.
    /// </summary>
    public static readonly DateBound Dates = new("a date", new LocalDate(JapaneseHolidays.FirstYear + 1, 1, 1), new LocalDate(JapaneseHolidays.LastYear - 4, 12, 31));

    /// <summary>Every bound with its name, as the README and the OpenAPI document list them.</summary>
    public static IReadOnlyList<(string Name, AmountBound Bound)> All { get; } =
    [
        (nameof(UsdAmount), UsdAmount), (nameof(YenAmount), YenAmount), (nameof(UnitPrice), UnitPrice), (nameof(FxRate), FxRate),
        (nameof(Quantity), Quantity), (nameof(Components), Components), (nameof(SetupQuantity), SetupQuantity),
        (nameof(OutageHours), OutageHours), (nameof(OutageDays), OutageDays),
    ];

    /// <summary>A month's usage, its fields named under <paramref name="prefix"/> (the decider's <c>usage.</c>).</summary>
    public static void Check(MonthUsage usage, string prefix = "usage.")
    {
        Dates.Check(usage.Month, prefix + "month");
        UsdAmount.Check(usage.AwsUsageUsd, prefix + "awsUsageUsd");
        FxRate.Check(usage.FxRate, prefix + "fxRate");
        YenAmount.Check(usage.AwsUsageJpy, prefix + "awsUsageJpy");
        Quantity.Check(usage.Quantity, prefix + "quantity");
        YenAmount.Check(usage.ResourceFee, prefix + "resourceFee");
    }

    /// <summary>A contract's dates: start, end, removal.</summary>
    public static void Check(ContractDates dates)
    {
        Dates.Check(dates.Start, "start");
        Dates.Check(dates.End, "end");
        Dates.Check(dates.RemovalDate, "removalDate");
    }

    /// <summary>The prices and options a contract is registered with.</summary>
    public static void Check(BillingProfile profile)
    {
        YenAmount.Check(profile.BaseFee, "baseFee");
        UnitPrice.Check(profile.UnitPrice, "unitPrice");
        Components.Check(profile.Plan?.Components, "components");
        Components.Check(profile.MetricRelaxationComponents, "metricRelaxationComponents");
        foreach (var item in profile.SetupItems)
        {
            SetupQuantity.Check(item.Quantity, "setupItems.quantity");
        }
    }

    /// <summary>
    /// The figures an event carries, named as the decider names them. A trigger without figures passes.
    /// Every entry of an event (the CRM API, the Functions app, the local workflow) calls this before deciding.
    /// </summary>
    public static void Check(Trigger trigger)
    {
        switch (trigger)
        {
            case UsageRecorded recorded:
                Check(recorded.Usage);
                break;
            case OutageReported reported:
                Dates.Check(reported.Outage.Month, "outage.month");
                OutageHours.Check(reported.Outage.Hours, "outage.hours");
                Dates.Check(reported.Outage.KnownOn, "outage.knownOn");
                Dates.Check(reported.Outage.AppliedOn, "outage.appliedOn");
                break;
            case PlanChanged changed:
                Dates.Check(changed.EffectiveFrom, "effectiveFrom");
                Components.Check(changed.Components, "components");
                break;
            case CorrectionRequested correction:
                Dates.Check(correction.RequestedOn, "requestedOn");
                foreach (var (line, i) in correction.Lines.Select((l, i) => (l, i)))
                {
                    YenAmount.Check(Math.Abs((decimal)line.Amount), $"lines[{i}].amount");
                }

                break;
            case PaymentReceived payment:
                Dates.Check(payment.PaidOn, "paid");
                YenAmount.Check(payment.Amount, "amount");
                break;
            case CancellationRequested cancellation:
                Dates.Check(cancellation.NoticeDate, "notice");
                Dates.Check(cancellation.RequestedDate, "requested");
                break;
            case ExtensionRequested extension:
                Dates.Check(extension.RequestDate, "requestDate");
                Dates.Check(extension.NewEnd, "end");
                break;
            case ProviderNoticeGiven notice:
                Dates.Check(notice.NoticeDate, "from");
                break;
            case InvoiceMonth invoice:
                Dates.Check(invoice.Month, "month");
                break;
        }
    }

    /// <summary>
    /// A month's billing input as a caller builds it directly (the <c>invoice</c> command, a run over a
    /// contract stored before the bounds existed), its fields named as the input names them.
    /// </summary>
    public static void Check(BillingInput input)
    {
        Dates.Check(input.Start, "start");
        Dates.Check(input.End, "end");
        Dates.Check(input.Month, "month");
        UsdAmount.Check(input.AwsUsageUsd, "awsUsageUsd");
        FxRate.Check(input.FxRate, "fxRate");
        YenAmount.Check(input.AwsUsageJpy, "awsUsageJpy");
        YenAmount.Check(input.BaseFee, "baseFee");
        UnitPrice.Check(input.UnitPrice, "unitPrice");
        Quantity.Check(input.Quantity, "quantity");
        YenAmount.Check(input.ResourceFee, "resourceFee");
        Components.Check(input.Components, "components");
        Components.Check(input.AddedComponents, "addedComponents");
        Components.Check(input.MetricRelaxationComponents, "metricRelaxationComponents");
        Components.Check(input.DowngradedFrom?.Components, "downgradedFrom.components");
        OutageHours.Check(input.Outage?.Hours, "outage.hours");
        OutageDays.Check(input.NecOutage?.DownDays, "necOutage.downDays");
        foreach (var item in input.SetupItems)
        {
            SetupQuantity.Check(item.Quantity, "setupItems.quantity");
        }
    }
}
