using System.Text;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Billing.Books;
using CloudLifecycle.Core.Billing.Rendering;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using CloudLifecycle.Core.Lifecycle.Views;
using NodaTime;
using NodaTime.Text;

namespace CloudLifecycle.Api;

/// <summary>
/// The operations of the CRM API. Each reads its input, asks core (the decider through
/// <see cref="IContractEvents"/>, the terms, the stores) and answers with a view; none decides a
/// rule itself. Refusals are thrown (<see cref="ApiException"/>, <see cref="ContractRuleException"/>).
/// </summary>
internal sealed class CrmHandlers(CrmApiOptions options, LifecycleStores stores, IContractEvents events, IBillingRuns billingRuns, ApiKeyCheck keys)
{
    public const int DefaultListLimit = 100;
    public const int MaxListLimit = 1000;
    public const int MaxDeadlineWindowDays = 3660;

    private static readonly int[] ReadErrors = [400, 401, 404];
    private static readonly int[] EventErrors = [400, 401, 404, 409, 412, 413, 415, 422];

    public IReadOnlyList<ApiRoute> Routes() =>
    [
        new("POST", "contracts", "registerContract", "Register a contract; answers with its key dates and clauses", typeof(RegisterContractBody), [], 201, typeof(ContractView), ApiResponse.Json, [400, 401, 409, 413, 415, 422], RegisterAsync)
        {
            SuccessHeaders = ["Location", "ETag"],
            FieldNames = new Dictionary<string, string> { ["start"] = "startDate", ["end"] = "endDate" },
        },
        new("GET", "contracts", "listContracts", "List contracts, filtered by product, state or a deadline within N days", null,
            [
                new("product", "string", false, "a product code (eclect-aws, nec-express5800, ntt-east-aws-ops, optage-neutrix, optage-storage)") { Values = ProductCode.All.Select(p => p.Code).ToList() },
                new("state", "string", false, "active, ending, suspended or closed") { Values = States.Keys.ToList() },
                new("deadlineWithin", "integer", false, "only contracts with a deadline (notice, declaration, extension, removal, payment) within this many days") { Minimum = 0, Maximum = MaxDeadlineWindowDays },
                new("limit", "integer", false, $"at most this many (1–{MaxListLimit}, default {DefaultListLimit})") { Minimum = 1, Maximum = MaxListLimit },
                new("after", "string", false, "the contract id to continue after (the previous page's next)"),
            ], 200, typeof(ContractList), ApiResponse.Json, ReadErrors, ListAsync),
        new("GET", "contracts/{id}", "getContract", "A contract: state, history and upcoming milestones, each with its clause", null, [], 200, typeof(ContractView), ApiResponse.Json, ReadErrors, GetContractAsync)
        {
            SuccessHeaders = ["ETag"],
        },
        Event<CancellationBody>("cancellation-requests", "requestCancellation", "Record the customer's cancellation notice; answers with the effective date and charges",
            b => new CancellationRequested(b.NoticeDate, b.RequestedDate), new Dictionary<string, string> { ["notice"] = "noticeDate", ["requested"] = "requestedDate" }),
        Event<ExtensionBody>("extension-requests", "requestExtension", "nec-express5800: ask to extend the usage period (§2-3); recorded as pending until NEC decides",
            b => new ExtensionRequested(b.RequestDate, b.NewEnd), new Dictionary<string, string> { ["end"] = "newEnd" }),
        Event<ExtensionDecisionBody>("extension-decisions", "decideExtension", "nec-express5800: NEC's decision on the pending extension request (§2-3): approved with the agreed end and prices, or declined",
            b => new ExtensionDecided(b.DecidedOn, b.Approved, b.NewEnd, b.NewBaseFee, b.NewUnitPrice), new Dictionary<string, string> { ["end"] = "newEnd" }),
        Event<PlanChangeBody>("plan-changes", "changePlan", "ntt-east-aws-ops / OPTAGE: a new plan from a day",
            b => new PlanChanged(b.EffectiveFrom, b.Plan, b.Components, b.Windows), new Dictionary<string, string>()),
        Event<UsageBody>("usage", "recordUsage", "Record a month's usage before it is invoiced",
            b => new UsageRecorded(new MonthUsage(b.Month, b.AwsUsageUsd, b.FxRate, b.AwsUsageJpy, b.Quantity, b.ResourceFee)), new Dictionary<string, string> { ["usage"] = string.Empty }),
        Event<OutageBody>("outages", "reportOutage", "Report an outage, credited on the month's invoice",
            b => new OutageReported(new OutageRecord(b.Month, b.Hours, b.GrossNegligence, b.KnownOn, b.AppliedOn)), new Dictionary<string, string> { ["outage"] = string.Empty }),
        Event<PaymentBody>("payments", "recordPayment", "Record a payment against an invoice; answers with late interest where due",
            b => new PaymentReceived(b.InvoiceNumber, b.PaidOn, b.Amount), new Dictionary<string, string> { ["paid"] = "paidOn" }),
        Event<ProviderNoticeBody>("provider-notices", "recordProviderNotice", "The provider gave notice: it ends the contract (discontinuation, termination, website posting, non-payment), opens a cure period or suspends the service for non-payment",
            b => new ProviderNoticeGiven(b.Rule, b.NoticeDate, b.StatedDate), new Dictionary<string, string> { ["from"] = "noticeDate", ["endDate"] = "statedDate" }),
        new("GET", "contracts/{id}/quotes/cancellation", "quoteCancellation", "What-if: the effective date and charges of a cancellation notice; changes nothing", null,
            [
                new("notice", "date", true, "the day notice would be given (yyyy-MM-dd)"),
                new("requested", "date", true, "the end the customer asks for (yyyy-MM-dd)"),
            ], 200, typeof(CancellationQuoteView), ApiResponse.Json, [400, 401, 404, 409, 422], QuoteCancellationAsync),
        new("GET", "contracts/{id}/invoices", "listInvoices", "A contract's invoices with what is still owed", null, [], 200, typeof(InvoiceList), ApiResponse.Json, ReadErrors, ListInvoicesAsync),
        new("GET", "invoices/{number}", "getInvoice", "An invoice: JSON, or the issued HTML with Accept: text/html or ?format=html, its PDF (A4) with Accept: application/pdf or ?format=pdf, its JP PINT e-invoice (UBL 2.1) with Accept: application/xml or ?format=ubl", null,
            [new("format", "string", false, "json (default), html, pdf or ubl") { Values = ["json", "html", "pdf", "ubl"] }], 200, typeof(Invoice), ApiResponse.Json, [.. ReadErrors, 406], GetInvoiceAsync)
        {
            AlternativeContentTypes = ["text/html; charset=utf-8", "application/pdf", "application/xml"],
            AcceptsDocumentLink = true,
        },
        new("POST", "invoices/{number}/corrections", "correctInvoice", "Correct an issued invoice, which never changes: a credit note (kind creditNote, 適格返還請求書, 消費税法 §57-4(3)) lowering lines or cancelInFull, or a corrected invoice (correctedInvoice, 修正した適格請求書, §57-4(4)) reissuing it with corrected amounts; the new document is issued, stored and sent like an invoice",
            typeof(CorrectionBody), [], 202, typeof(EventAccepted), ApiResponse.Json, EventErrors, CorrectAsync)
        {
            SuccessHeaders = ["Location", "ETag"],
            FieldNames = new Dictionary<string, string> { ["requested"] = "requestedOn" },
        },
        new("GET", "contracts/{id}/calendar.ics", "contractCalendar", "The contract's milestones as an iCalendar feed (subscribe with the contract's calendarSubscription link)", null,
            [new("lang", "string", false, "ja or en (default: the customer's language)") { Values = ["ja", "en"] }], 200, null, "text/calendar; charset=utf-8", ReadErrors, CalendarAsync)
        {
            AcceptsFeedToken = true,
        },
        new("GET", "contracts/{id}/events", "listContractEvents", "What happened to the contract, oldest first — milestones reached, events applied, notices enqueued (and whether sent), documents issued — from a cursor, so a CRM can poll what changed since its last read", null,
            [
                new("after", "string", false, $"the cursor of the previous read (its next, as it was given; opaque): only what it has not given yet — including an event recorded later with a date up to {ContractEventsFeed.LookBackDays} days before the newest it read; absent: from the first event"),
                new("limit", "integer", false, $"at most this many (1–{MaxListLimit}, default {DefaultListLimit})") { Minimum = 1, Maximum = MaxListLimit },
            ], 200, typeof(ContractEventList), ApiResponse.Json, ReadErrors, EventsAsync),
        new("GET", "webhooks/deliveries", "listWebhookDeliveries", "Outgoing webhooks and their delivery records (status, attempts, the receiver's last answer), oldest first: e.g. status=failed for those given up", null,
            [
                new("status", "string", false, "pending, sending, delivered or failed") { Values = WebhookStates.Keys.ToList() },
                new("limit", "integer", false, $"at most this many (1–{MaxListLimit}, default {DefaultListLimit})") { Minimum = 1, Maximum = MaxListLimit },
            ], 200, typeof(WebhookDeliveryList), ApiResponse.Json, [400, 401], WebhookDeliveriesAsync),
        new("GET", "contracts/{id}/timeline", "contractTimeline", "An HTML page drawing the contract's lifecycle: milestones, events, notices and invoices, with their clauses", null,
            [new("lang", "string", false, "ja or en (default: the customer's language)") { Values = ["ja", "en"] }], 200, null, "text/html; charset=utf-8", ReadErrors, TimelineAsync),
        new("POST", "billing-runs", "startBillingRun", "Start the monthly invoice run of a month that has ended", typeof(BillingRunBody), [], 202, typeof(BillingRunView), ApiResponse.Json, [400, 401, 413, 415, 422], StartBillingRunAsync)
        {
            SuccessHeaders = ["Location"],
        },
        new("GET", "journal", "exportJournal", "The month's documents and payments as journal entries in an accounting program's import CSV: 弥生会計 (yayoi, Shift_JIS), freee (UTF-8) or マネーフォワード クラウド会計 (mf, Shift_JIS); docs/books.md", null,
            [
                new("month", "month", true, "the month (yyyy-MM): the documents of that month and the payments recorded in it"),
                new("format", "string", true, "yayoi, freee or mf") { Values = ["yayoi", "freee", "mf"] },
            ], 200, null, "text/csv; charset=Shift_JIS", [400, 401, 422], ExportJournalAsync)
        {
            AlternativeContentTypes = ["text/csv; charset=utf-8"],
        },
        new("GET", "billing-runs/{month}", "getBillingRun", "A monthly run's progress and, once completed, its report", null, [], 200, typeof(BillingRunView), ApiResponse.Json, ReadErrors, GetBillingRunAsync),
    ];

    private ApiRoute Event<TBody>(string resource, string operationId, string summary, Func<TBody, Trigger> toTrigger, Dictionary<string, string> fieldNames)
        where TBody : class =>
        new("POST", $"contracts/{{id}}/{resource}", operationId, summary, typeof(TBody), [], 202, typeof(EventAccepted), ApiResponse.Json, EventErrors,
            call => RaiseAsync(call, resource, toTrigger))
        {
            FieldNames = fieldNames,
            SuccessHeaders = ["Location", "ETag"],
        };

    private async Task<ApiResponse> RegisterAsync(ApiCall call)
    {
        var body = ApiJson.Read<RegisterContractBody>(call.Body);
        if (body.Components is not null && body.Plan is null)
        {
            throw ApiException.BadRequest("plan", "is required with components");
        }

        var plan = body.Plan is { } name
            ? new PlanSelection(name, body.Components ?? throw ApiException.BadRequest("components", "is required with plan"), body.Windows ?? false)
            : null;
        var profile = new BillingProfile
        {
            BaseFee = body.BaseFee,
            UnitPrice = body.UnitPrice,
            Plan = plan,
            MetricRelaxationComponents = body.MetricRelaxationComponents ?? 0,
            ComponentPricing = body.ComponentPricing ?? ComponentPricing.Volume,
            QualifiedInvoice = body.QualifiedInvoice ?? false,
            SetupItems = body.SetupItems?.Select(i => new SetupItem(i.Item, i.Quantity)).ToList() ?? [],
            DueMonthsAfter = body.DueMonthsAfter,
        };
        WithinBounds(call, () =>
        {
            AmountBounds.Check(new ContractDates(body.StartDate, body.EndDate, body.RemovalDate));
            AmountBounds.Check(profile);
        });
        var issuer = body.Issuer is { } given ? new Issuer(given.Name, given.RegistrationNumber) : options.DefaultIssuer;
        var registration = new ContractRegistration(body.ContractId, body.Product,
            new Customer(body.Customer.Name, body.Customer.Email, body.Customer.Language),
            new ContractDates(body.StartDate, body.EndDate, body.RemovalDate), issuer, profile);
        var decision = await events.RegisterAsync(registration, call.CancellationToken).ConfigureAwait(false);
        var view = View(call, decision.State, history: null);
        return ApiResponse.Of(201, view, new Dictionary<string, string> { ["Location"] = view.Links.Self, ["ETag"] = VersionTag(decision.State) });
    }

    private async Task<ApiResponse> GetContractAsync(ApiCall call)
    {
        var stored = await LoadAsync(call.Value("id"), call.CancellationToken).ConfigureAwait(false);
        var tag = VersionTag(stored.State);
        if (call.Request.Headers.IfNoneMatch.ToString() == tag)
        {
            return ApiResponse.NotModified(tag);
        }

        var history = await stores.History.ListAsync(stored.State.ContractId, call.CancellationToken).ConfigureAwait(false);
        return ApiResponse.Of(200, View(call, stored.State, history), new Dictionary<string, string> { ["ETag"] = tag });
    }

    private async Task<ApiResponse> ListAsync(ApiCall call)
    {
        // A parameter that names no product is a malformed request (400), like an unknown state: no contract rule was asked.
        var product = call.Query.TryGetValue("product", out var p)
            ? ProductCode.All.FirstOrDefault(c => c.Code == p.ToString()) ?? throw ApiException.BadRequest("product", $"'{p}' is not a product; expected {string.Join(", ", ProductCode.All.Select(c => c.Code))}")
            : null;
        var state = call.Query.TryGetValue("state", out var s) ? ParseStatus(s.ToString()) : (ContractStatus?)null;
        var within = OptionalInteger(call, "deadlineWithin", 0, MaxDeadlineWindowDays);
        var limit = OptionalInteger(call, "limit", 1, MaxListLimit) ?? DefaultListLimit;
        var after = call.Query.TryGetValue("after", out var a) ? a.ToString() : null;
        var today = events.Today;
        var matching = new List<ContractSummary>();
        await foreach (var page in stores.Contracts.ScanAsync(MonthlyInvoiceRun.DefaultPageSize, call.CancellationToken).ConfigureAwait(false))
        {
            foreach (var contract in page.Select(c => c.State))
            {
                if ((product is not null && contract.Product != product) || (state is not null && contract.Status != state)
                    || (after is not null && string.CompareOrdinal(contract.ContractId, after) <= 0))
                {
                    continue;
                }

                var next = ContractOverview.NextDeadline(contract, today);
                if (within is { } days && (next is null || next.Date > today.PlusDays(days)))
                {
                    continue;
                }

                matching.Add(new ContractSummary(contract.ContractId, contract.Product, contract.Status, contract.Customer.Name, contract.Dates.Start, contract.PlanningDates.End,
                    next is null ? null : MilestoneView.Of(next), contract.Version, ContractPath(contract.ContractId)));
            }
        }

        var sorted = matching.OrderBy(c => c.ContractId, StringComparer.Ordinal).ToList();
        var pageOf = sorted.Take(limit).ToList();
        return ApiResponse.Of(200, new ContractList(pageOf, pageOf.Count, sorted.Count > limit ? pageOf[^1].ContractId : null));
    }

    private async Task<ApiResponse> RaiseAsync<TBody>(ApiCall call, string resource, Func<TBody, Trigger> toTrigger)
        where TBody : class
    {
        var contractId = call.Value("id");
        var body = ApiJson.Read<TBody>(call.Body);
        var expected = ExpectedVersion(call);
        var trigger = toTrigger(body) with { EventId = call.EventId };
        WithinBounds(call, () => AmountBounds.Check(trigger));
        var before = await LoadAsync(contractId, call.CancellationToken).ConfigureAwait(false);
        if (call.EventId is { } eventId && before.State.RecentEventIds.Contains(eventId))
        {
            // Applied already, but its answer was never stored under the Idempotency-Key (the host died between saving the
            // contract and storing the response): the retry gets the original outcome from the stored state, not a second
            // decision — which would refuse it (409, "already cancelled") or find its If-Match stale (412).
            return Accepted(contractId, resource, trigger, before.State, AlreadyApplied(before.State, trigger, eventId), charges: null);
        }

        IReadOnlyList<ChargeView>? charges = null;
        if (trigger is CancellationRequested cancellation)
        {
            // The charges the cancellation leads to, quoted on the state it is decided on (refused here as the decider would refuse it).
            charges = LifecycleDecider.QuoteCancellation(before.State, cancellation.NoticeDate, cancellation.RequestedDate).Charges.Select(ChargeView.Of).ToList();
        }

        var decision = await events.RaiseAsync(contractId, trigger, expected, call.CancellationToken).ConfigureAwait(false);
        return Accepted(contractId, resource, trigger, decision.State, ConsequenceView.Of(decision.Consequence), charges);
    }

    /// <summary>
    /// A correction is an event of the contract the invoice belongs to: the original is read from the invoice store (404 when
    /// there is none) and handed to the decider, which decides and records the correction (exactly once per Idempotency-Key).
    /// </summary>
    private async Task<ApiResponse> CorrectAsync(ApiCall call)
    {
        var number = call.Value("number");
        var body = ApiJson.Read<CorrectionBody>(call.Body);
        var request = new CorrectionRequested(number, body.RequestedOn ?? events.Today, body.Kind, body.Reason,
            body.Lines?.Select(l => new LineCorrection(l.Line, l.Amount)).ToList() ?? [], body.CancelInFull ?? false)
        {
            EventId = call.EventId,
        };
        WithinBounds(call, () => AmountBounds.Check(request));
        var (contractId, trigger) = await InvoiceCorrections.RequestAsync(stores.Invoices, number, request, "number", call.CancellationToken).ConfigureAwait(false);
        var before = await LoadAsync(contractId, call.CancellationToken).ConfigureAwait(false);
        if (call.EventId is { } eventId && before.State.RecentEventIds.Contains(eventId))
        {
            return Accepted(contractId, "corrections", trigger, before.State, AlreadyApplied(before.State, trigger, eventId), charges: null);
        }

        var decision = await events.RaiseAsync(contractId, trigger, ExpectedVersion(call), call.CancellationToken).ConfigureAwait(false);
        return Accepted(contractId, "corrections", trigger, decision.State, ConsequenceView.Of(decision.Consequence), charges: null);
    }

    private ApiResponse Accepted(string contractId, string resource, Trigger trigger, ContractState state, ConsequenceView consequence, IReadOnlyList<ChargeView>? charges)
    {
        var deadlines = ContractOverview.Upcoming(state, events.Today).Where(m => ContractOverview.IsOpenDeadline(state, m)).Take(5).Select(MilestoneView.Of).ToList();
        var extension = trigger is ExtensionRequested or ExtensionDecided ? state.ExtensionRequest : null;
        var accepted = new EventAccepted(contractId, resource, state.Status, state.Version, consequence, charges, extension, deadlines, ContractPath(contractId));
        return ApiResponse.Of(202, accepted, new Dictionary<string, string> { ["Location"] = ContractPath(contractId), ["ETag"] = VersionTag(state) });
    }

    /// <summary>
    /// The consequence of an event the contract already remembers, as far as the stored state tells it: a cancellation's
    /// effective date and clause come from its record. The charges quoted on the state before it are not kept, so the
    /// replay carries none (the invoices show them).
    /// </summary>
    private static ConsequenceView AlreadyApplied(ContractState state, Trigger trigger, string eventId)
    {
        var summary = new Text($"イベント {eventId} は適用済みです（保存済みの契約の状態）", $"event {eventId} was already applied (the contract as stored)");
        if (trigger is CorrectionRequested && state.Corrections.FirstOrDefault(c => c.EventId == eventId) is { } correction)
        {
            // The document the first request issued: a retry is answered with it, never a second one.
            return new ConsequenceView(summary, null, correction.IssuedOn, correction.Total, correction.Number, Changed: true);
        }

        return trigger is CancellationRequested && state.Cancellation is { } record
            ? new ConsequenceView(summary, record.Clause, record.EffectiveDate, null, null, Changed: true)
            : new ConsequenceView(summary, null, null, null, null, Changed: true);
    }

    private async Task<ApiResponse> QuoteCancellationAsync(ApiCall call)
    {
        var notice = QueryDate(call, "notice");
        var requested = QueryDate(call, "requested");
        var state = (await LoadAsync(call.Value("id"), call.CancellationToken).ConfigureAwait(false)).State;
        var (quote, charges) = LifecycleDecider.QuoteCancellation(state, notice, requested);
        return ApiResponse.Of(200, new CancellationQuoteView(state.ContractId, quote, charges.Select(ChargeView.Of).ToList(), charges.Sum(c => c.Amount)));
    }

    private async Task<ApiResponse> ListInvoicesAsync(ApiCall call)
    {
        var state = (await LoadAsync(call.Value("id"), call.CancellationToken).ConfigureAwait(false)).State;
        var invoices = await stores.Invoices.ListByContractAsync(state.ContractId, call.CancellationToken).ConfigureAwait(false);
        var rows = invoices.OrderBy(i => i.Month).Select(i => new InvoiceSummary(i.Number, i.Month, i.IssueDate, i.DueDate, i.DueDateClause, i.Total,
            state.OpenInvoices.FirstOrDefault(o => o.Number == i.Number)?.Outstanding ?? 0, InvoicePath(i.Number), InvoicePath(i.Number) + "?format=html")).ToList();
        return ApiResponse.Of(200, new InvoiceList(state.ContractId, rows));
    }

    private async Task<ApiResponse> GetInvoiceAsync(ApiCall call)
    {
        var number = call.Value("number");
        var format = call.Query.TryGetValue("format", out var f) ? f.ToString() : null;
        if (format is not null and not "json" and not "html" and not "pdf" and not "ubl")
        {
            throw ApiException.BadRequest("format", "expected json, html, pdf or ubl");
        }

        var invoice = await stores.Invoices.GetAsync(number, call.CancellationToken).ConfigureAwait(false)
            ?? throw new ApiException(404, "not-found", "number", $"no invoice {number}");
        var accept = call.Request.Headers.Accept.ToString();
        if (format == "pdf" || (format is null && Prefers(accept, "application/pdf")))
        {
            var renderer = options.InvoicePdf ?? throw new ApiException(406, "not-acceptable", format is null ? "Accept" : "format", "this host renders no PDF");
            var customerLanguage = (await stores.Contracts.GetAsync(invoice.ContractId, call.CancellationToken).ConfigureAwait(false))?.State.Customer.Language ?? Core.Contracts.Language.Ja;
            return new ApiResponse(200, "application/pdf", renderer.Render(invoice, customerLanguage),
                new Dictionary<string, string> { ["Content-Disposition"] = $"inline; filename=\"{invoice.Number}.pdf\"" });
        }

        if (format == "ubl" || (format is null && Prefers(accept, "application/xml")))
        {
            var buyer = (await stores.Contracts.GetAsync(invoice.ContractId, call.CancellationToken).ConfigureAwait(false))?.State.Customer.Email;
            return ApiResponse.Text(200, "application/xml; charset=utf-8", InvoiceUbl.Render(invoice, buyer),
                new Dictionary<string, string> { ["Content-Disposition"] = $"inline; filename=\"{invoice.Number}.xml\"" });
        }

        var html = format == "html" || (format is null && PrefersHtml(accept));
        if (!html)
        {
            return ApiResponse.Of(200, invoice);
        }

        // The page as issued; rendered again only if the stored document is missing.
        var stored = await stores.Documents.GetAsync(CommandExecutor.DocumentPath(invoice, "html"), call.CancellationToken).ConfigureAwait(false);
        if (stored is not null)
        {
            return new ApiResponse(200, "text/html; charset=utf-8", stored, new Dictionary<string, string>());
        }

        var language = (await stores.Contracts.GetAsync(invoice.ContractId, call.CancellationToken).ConfigureAwait(false))?.State.Customer.Language ?? Core.Contracts.Language.Ja;
        return ApiResponse.Text(200, "text/html; charset=utf-8", InvoiceHtml.Render(invoice, language));
    }

    private async Task<ApiResponse> CalendarAsync(ApiCall call)
    {
        var state = (await LoadAsync(call.Value("id"), call.CancellationToken).ConfigureAwait(false)).State;
        // Stamped with the last day the contract was processed, so that an unchanged contract gives the same feed (and ETag).
        var stamp = Tokyo.WakeInstant(state.ProcessedThrough ?? state.RegisteredOn);
        var ics = ContractCalendar.Render(state, ContractOverview.Plan(state), stamp, Language(call, state), options.UidDomain);
        return ApiResponse.Text(200, "text/calendar; charset=utf-8", ics, new Dictionary<string, string> { ["Content-Disposition"] = $"inline; filename=\"{state.ContractId}.ics\"" });
    }

    private async Task<ApiResponse> TimelineAsync(ApiCall call)
    {
        var state = (await LoadAsync(call.Value("id"), call.CancellationToken).ConfigureAwait(false)).State;
        var history = await stores.History.ListAsync(state.ContractId, call.CancellationToken).ConfigureAwait(false);
        var notices = await stores.Outbox.ListForContractAsync(state.ContractId, call.CancellationToken).ConfigureAwait(false);
        var invoices = await stores.Invoices.ListByContractAsync(state.ContractId, call.CancellationToken).ConfigureAwait(false);
        var today = events.Today;
        var items = ContractTimeline.Build(state, history,
            notices.Select(n => new TimelineNotice(n.Notice, n.SentAt is { } sent ? Tokyo.Today(sent) : null, n.Status == DeliveryStatus.Failed)).ToList(), invoices, today);
        return ApiResponse.Text(200, "text/html; charset=utf-8", TimelineHtml.Render(state, items, today, Language(call, state)));
    }

    /// <summary>
    /// The contract's events feed (<see cref="ContractEventsFeed"/>): items at their own dates, oldest first; a cursor gives
    /// what its holder has not been given, including an item recorded later with a date up to
    /// <see cref="ContractEventsFeed.LookBackDays"/> days before the newest it read.
    /// </summary>
    private async Task<ApiResponse> EventsAsync(ApiCall call)
    {
        var limit = OptionalInteger(call, "limit", 1, MaxListLimit) ?? DefaultListLimit;
        var after = call.Query.TryGetValue("after", out var a) ? a.ToString() : null;
        var state = (await LoadAsync(call.Value("id"), call.CancellationToken).ConfigureAwait(false)).State;
        var history = await stores.History.ListAsync(state.ContractId, call.CancellationToken).ConfigureAwait(false);
        var notices = await stores.Outbox.ListForContractAsync(state.ContractId, call.CancellationToken).ConfigureAwait(false);
        var invoices = await stores.Invoices.ListByContractAsync(state.ContractId, call.CancellationToken).ConfigureAwait(false);
        return ApiResponse.Of(200, ContractEventsFeed.Page(state.ContractId, ContractEventsFeed.Build(history, notices, invoices), after, limit));
    }

    private static readonly Dictionary<string, WebhookStatus> WebhookStates = Enum.GetValues<WebhookStatus>().ToDictionary(v => MilestoneView.Camel(v.ToString()), StringComparer.Ordinal);

    /// <summary>The webhook outbox's rows (<see cref="IWebhookOutbox"/>), filtered by status; none and not configured when no endpoint is set.</summary>
    private async Task<ApiResponse> WebhookDeliveriesAsync(ApiCall call)
    {
        WebhookStatus? status = call.Query.TryGetValue("status", out var s)
            ? WebhookStates.TryGetValue(s.ToString(), out var parsed) ? parsed : throw ApiException.BadRequest("status", $"'{s}' is not a delivery status; expected {string.Join(", ", WebhookStates.Keys)}")
            : null;
        var limit = OptionalInteger(call, "limit", 1, MaxListLimit) ?? DefaultListLimit;
        if (stores.Webhooks is not { } webhooks)
        {
            return ApiResponse.Of(200, new WebhookDeliveryList(false, [], 0, false));
        }

        var page = new List<WebhookDeliveryView>();
        var more = false;
        await foreach (var item in webhooks.ListAsync(call.CancellationToken).ConfigureAwait(false))
        {
            if (status is not null && item.Status != status)
            {
                continue;
            }

            if (page.Count == limit)
            {
                more = true;
                break;
            }

            page.Add(WebhookDeliveryView.Of(item));
        }

        return ApiResponse.Of(200, new WebhookDeliveryList(true, page, page.Count, more));
    }

    private async Task<ApiResponse> StartBillingRunAsync(ApiCall call)
    {
        var body = ApiJson.Read<BillingRunBody>(call.Body);
        WithinBounds(call, () => AmountBounds.Dates.Check(body.Month, "month"));
        var status = await billingRuns.StartAsync(body.Month, call.CancellationToken).ConfigureAwait(false);
        var self = $"{CrmApiOptions.BasePath}/billing-runs/{status.Month:uuuu-MM}";
        return ApiResponse.Of(202, BillingRunView.Of(status, self), new Dictionary<string, string> { ["Location"] = self });
    }

    /// <summary>The month's journal as the program's import file (Core.Application.JournalExport): Shift_JIS for yayoi and mf, UTF-8 for freee.</summary>
    private async Task<ApiResponse> ExportJournalAsync(ApiCall call)
    {
        var text = call.Query["month"].ToString();
        var parsed = YearMonthPattern.Iso.Parse(text);
        var month = parsed.Success ? parsed.Value : throw ApiException.BadRequest("month", $"'{text}' is not a month (yyyy-MM)");
        WithinBounds(call, () => AmountBounds.Dates.Check(month, "month"));
        var formatText = call.Query["format"].ToString();
        var format = formatText switch
        {
            "yayoi" or "freee" or "mf" => JournalCsv.Parse(formatText, "format"),
            _ => throw ApiException.BadRequest("format", $"'{formatText}' is not a journal format (yayoi, freee or mf)"),
        };
        var file = await JournalExport.ExportAsync(stores, month, format, call.CancellationToken).ConfigureAwait(false);
        return new ApiResponse(200, file.ContentType, file.Content, new Dictionary<string, string> { ["Content-Disposition"] = $"attachment; filename=\"{file.FileName}\"" });
    }

    private async Task<ApiResponse> GetBillingRunAsync(ApiCall call)
    {
        var text = call.Value("month");
        var parsed = YearMonthPattern.Iso.Parse(text);
        var month = parsed.Success ? parsed.Value : throw ApiException.BadRequest("month", $"'{text}' is not a month (yyyy-MM)");
        var status = await billingRuns.GetAsync(month, call.CancellationToken).ConfigureAwait(false)
            ?? throw new ApiException(404, "not-found", "month", $"no billing run of {month:uuuu-MM} was started");
        return ApiResponse.Of(200, BillingRunView.Of(status, $"{CrmApiOptions.BasePath}/billing-runs/{month:uuuu-MM}"));
    }

    private ContractView View(ApiCall call, ContractState state, IReadOnlyList<HistoryEntry>? history)
    {
        // Upcoming: the milestones not yet reached by the contract's own rounds, so the view depends only on the stored version.
        var asOf = state.ProcessedThrough ?? state.RegisteredOn;
        var upcoming = ContractOverview.Plan(state).Where(m => m.Date > asOf).Select(MilestoneView.Of).ToList();
        var self = ContractPath(state.ContractId);
        // Built from the configured public address, never from the request's Host header (the caller's to choose).
        var subscription = keys.FeedToken(state.ContractId) is { } token
            ? $"{PublicBase()}{self}/calendar.ics?token={token}"
            : null;
        return new ContractView(state.ContractId, state.Product, state.Status, state.Customer, state.Dates.Start, state.PlanningDates.End, state.Dates.RemovalDate,
            state.Issuer.RegistrationNumber, state.RegisteredOn, state.ProcessedThrough, state.NextWake, state.Version, state.Cancellation, state.ProviderEndClause,
            state.Plans.Select(p => new PlanView(p.EffectiveFrom, p.Selection.Plan, p.Selection.Components, p.Selection.Windows)).ToList(),
            state.ExtensionRequest, state.Prices,
            state.InvoicedMonths,
            state.OpenInvoices.Select(o => new OpenInvoiceView(o.Number, o.Month, o.Total, o.Outstanding, o.DueDate)).ToList(),
            LifecycleDecider.KeyDates(state, asOf).Select(MilestoneView.Of).ToList(),
            upcoming,
            history?.OrderBy(h => h.Date).ThenBy(h => h.Key, StringComparer.Ordinal).Select(HistoryView.Of).ToList(),
            new ContractLinks(self, self + "/invoices", self + "/calendar.ics", self + "/timeline", subscription));
    }

    /// <summary>The configured public base URL without its trailing '/', or empty (the link is then relative to the API's address).</summary>
    private string PublicBase() => options.PublicBaseUrl is { } url ? url.AbsoluteUri.TrimEnd('/') : string.Empty;

    /// <summary>Figures outside their documented bounds (<see cref="AmountBounds"/>) are a 422 naming the body's member, before anything is read or stored.</summary>
    private static void WithinBounds(ApiCall call, Action check)
    {
        try
        {
            check();
        }
        catch (ContractRuleException e)
        {
            throw new ApiException(422, "out-of-bounds", call.Route.RenameField(e.Field), e.Reason, e.Clause);
        }
    }

    private async Task<StoredContract> LoadAsync(string contractId, CancellationToken cancellationToken) =>
        await stores.Contracts.GetAsync(contractId, cancellationToken).ConfigureAwait(false)
            ?? throw new ApiException(404, "not-found", "id", $"no contract {contractId}");

    private static string VersionTag(ContractState state) => $"\"{state.Version}\"";

    /// <summary>If-Match: the contract version the caller read (its ETag); "*" or absent: any.</summary>
    private static long? ExpectedVersion(ApiCall call)
    {
        var header = call.Request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return null;
        }

        return header.Length > 2 && header[0] == '"' && header[^1] == '"' && long.TryParse(header[1..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? version
            : throw ApiException.BadRequest("If-Match", $"{header} is not a contract ETag (\"<version>\")");
    }

    private static LocalDate QueryDate(ApiCall call, string name)
    {
        var text = call.Query[name].ToString();
        var parsed = LocalDatePattern.Iso.Parse(text);
        var date = parsed.Success ? parsed.Value : throw ApiException.BadRequest(name, $"'{text}' is not a date (yyyy-MM-dd)");
        WithinBounds(call, () => AmountBounds.Dates.Check(date, name));
        return date;
    }

    private static int? OptionalInteger(ApiCall call, string name, int min, int max)
    {
        if (!call.Query.TryGetValue(name, out var value))
        {
            return null;
        }

        return int.TryParse(value.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw ApiException.BadRequest(name, $"'{value}' is not an integer from {min} to {max}");
    }

    private static readonly IReadOnlyDictionary<string, ContractStatus> States = new Dictionary<string, ContractStatus>
    {
        ["active"] = ContractStatus.Active,
        ["ending"] = ContractStatus.Ending,
        ["suspended"] = ContractStatus.Suspended,
        ["closed"] = ContractStatus.Closed,
    };

    private static ContractStatus ParseStatus(string text) =>
        States.TryGetValue(text, out var status) ? status : throw ApiException.BadRequest("state", $"'{text}' is not a state; expected active, ending, suspended or closed");

    private static Language Language(ApiCall call, ContractState state) =>
        call.Query.TryGetValue("lang", out var lang)
            ? lang.ToString() switch
            {
                "ja" => Core.Contracts.Language.Ja,
                "en" => Core.Contracts.Language.En,
                var other => throw ApiException.BadRequest("lang", $"'{other}' is not a language; expected ja or en"),
            }
            : state.Customer.Language;

    /// <summary>The Accept header names <paramref name="mediaType"/> and not JSON (a client asking for both gets JSON).</summary>
    private static bool Prefers(string accept, string mediaType) =>
        accept.Contains(mediaType, StringComparison.OrdinalIgnoreCase) && !accept.Contains("application/json", StringComparison.OrdinalIgnoreCase);

    private static bool PrefersHtml(string accept) =>
        accept.Contains("text/html", StringComparison.OrdinalIgnoreCase) && !accept.Contains("application/json", StringComparison.OrdinalIgnoreCase);

    private static string ContractPath(string contractId) => $"{CrmApiOptions.BasePath}/contracts/{Uri.EscapeDataString(contractId)}";

    private static string InvoicePath(string number) => $"{CrmApiOptions.BasePath}/invoices/{Uri.EscapeDataString(number)}";
}
