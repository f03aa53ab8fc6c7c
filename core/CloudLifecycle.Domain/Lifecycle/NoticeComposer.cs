using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Billing.Rendering;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;
using NodaTime;

namespace CloudLifecycle.Core.Lifecycle;

/// <summary>
/// The words of each notice, in Japanese and English, with every date and amount beside its clause.
/// Templates (adapters) only lay these out; the content is decided here, where it is tested.
/// </summary>
public static class NoticeComposer
{
    public static Notice Registered(ContractState state, IReadOnlyList<Milestone> keyDates, LocalDate today) =>
        Compose(state, $"registered", NoticeKind.Registered, today,
            new Text($"【{state.Product.ServiceName.Ja}】ご契約 {state.ContractId} を登録しました", $"[{state.Product.ServiceName.En}] Contract {state.ContractId} is registered"),
            [new Text($"ご契約 {state.ContractId}（{state.Product}、開始日 {Iso(state.Dates.Start)}）を登録しました。主な日付は次のとおりです。",
                $"We have registered contract {state.ContractId} ({state.Product}, starting {Iso(state.Dates.Start)}). Its key dates are below.")],
            keyDates.Select(m => new NoticeFact(m.Description, Iso(m.Date), m.Clause)).ToList(),
            keyDates.Count > 0 ? keyDates[0].Clause : string.Empty);

    public static Notice Reminder(ContractState state, Milestone deadline, int leadDays, LocalDate today)
    {
        var kind = ReminderSchedule.NoticeFor(deadline.Kind);
        var (ja, en) = kind switch
        {
            NoticeKind.DataDeletionReminder => ("データ削除期限のお知らせ", "data deletion deadline"),
            NoticeKind.RemovalScheduling => ("機器撤去日の調整のお願い", "please agree the equipment removal date"),
            _ => ("期限のお知らせ", "upcoming deadline"),
        };
        var daysLeft = Period.Between(today, deadline.Date, PeriodUnits.Days).Days;
        return Compose(state, $"reminder/{deadline.Kind}/{Iso(deadline.Date)}/{leadDays}d", kind, today,
            new Text($"【{state.Product.ServiceName.Ja}】{ja}：{Iso(deadline.Date)}（{deadline.Clause}）", $"[{state.Product.ServiceName.En}] {Capitalise(en)}: {Iso(deadline.Date)} ({deadline.Clause})"),
            [
                new Text($"ご契約 {state.ContractId} の期限が近づいています（あと{daysLeft}日）。", $"A deadline of contract {state.ContractId} is {daysLeft} days away."),
                deadline.Description,
            ],
            [new NoticeFact(deadline.Description, Iso(deadline.Date), deadline.Clause)],
            deadline.Clause);
    }

    public static Notice CancellationReceived(ContractState state, CancellationQuote quote, IReadOnlyList<InvoiceLine> charges, LocalDate today)
    {
        var facts = new List<NoticeFact>
        {
            new(new Text("解約の通知日", "notice received"), Iso(quote.NoticeDate), quote.Clause),
            new(new Text("ご希望の解約日", "requested date"), Iso(quote.RequestedDate), quote.Clause),
            new(new Text("解約日", "effective date"), Iso(quote.EffectiveDate), quote.Clause),
        };
        if (quote.NoticeDeadline is { } deadline)
        {
            facts.Add(new(new Text("ご希望日に対する通知期限", "notice deadline for the requested date"), Iso(deadline), quote.Clause));
        }

        facts.AddRange(charges.Select(line => new NoticeFact(line.Description, InvoiceHtml.Yen(line.Amount) + " (税抜 / before tax)", line.Clause)));
        return Compose(state, $"cancellation/{Iso(quote.NoticeDate)}", NoticeKind.CancellationReceived, today,
            new Text($"【{state.Product.ServiceName.Ja}】解約のご通知を受け付けました（解約日 {Iso(quote.EffectiveDate)}）", $"[{state.Product.ServiceName.En}] Cancellation received: effective {Iso(quote.EffectiveDate)}"),
            [quote.Explanation, charges.Count == 0
                ? new Text("解約に伴う追加の料金はありません。", "The cancellation adds no charges.")
                : new Text("解約に伴い次の料金が最終月のご請求に加わります。", "The following charges are added to the final month's invoice.")],
            facts, quote.Clause);
    }

    /// <summary>nec-express5800 §2-3: the request is received; NEC decides, and until it does the usage period ends as planned.</summary>
    public static Notice ExtensionRequestReceived(ContractState state, ExtensionQuote quote, LocalDate today)
    {
        var request = state.ExtensionRequest!;
        return Compose(state, $"extension-request/{Iso(request.RequestDate)}", NoticeKind.ExtensionRequestReceived, today,
            new Text($"【{state.Product.ServiceName.Ja}】利用期間延長のお申し出を受け付けました（ご希望 {Iso(request.RequestedEnd)}まで）", $"[{state.Product.ServiceName.En}] Extension request received: to {Iso(request.RequestedEnd)}, pending NEC's decision"),
            [
                new Text($"{Iso(request.RequestDate)}に、利用期間を{Iso(request.RequestedEnd)}まで延長するお申し出を受け付けました（延長申出の期限 {Iso(quote.Deadline)}）。",
                    $"On {Iso(request.RequestDate)} we received your request to extend the usage period to {Iso(request.RequestedEnd)} (request deadline {Iso(quote.Deadline)})."),
                new Text("延長の可否はNECが判断し、可能な場合はサービス料金の値上げ等を含めて両社で調整のうえ、契約変更の手続きを行います（§2-3）。判断が出ましたらお知らせします。",
                    "NEC decides whether the period can be extended; if it can, the terms (including any price increase) are agreed between the parties and the contract is amended (§2-3). We will tell you the decision."),
                new Text($"それまでは、利用期間は{Iso(quote.UsagePeriodEnd)}に終了し、機器撤去はその後30日以内という予定に変わりはありません。",
                    $"Until then nothing changes: the usage period ends on {Iso(quote.UsagePeriodEnd)} and the equipment is removed within 30 days after it."),
            ],
            [
                new(new Text("お申し出日", "request date"), Iso(request.RequestDate), quote.Clause),
                new(new Text("延長申出の期限", "extension request deadline"), Iso(quote.Deadline), quote.Clause),
                new(new Text("ご希望の利用期間終了日", "requested usage period end"), Iso(request.RequestedEnd), quote.Clause),
                new(new Text("現在の利用期間終了日（判断待ち）", "current usage period end (decision pending)"), Iso(quote.UsagePeriodEnd), NecExpress5800Terms.UsagePeriodClause),
            ],
            quote.Clause);
    }

    /// <summary>nec-express5800 §2-3: NEC approved; the agreed end and any agreed prices, from the day after the previous end.</summary>
    public static Notice ExtensionConfirmed(ContractState state, ExtensionRecord approved, LocalDate previousEnd, LocalDate? previousRemovalDate,
        decimal? newBaseFee, decimal? newUnitPrice, LocalDate pricesFrom, string clause, LocalDate today)
    {
        var newEnd = approved.AgreedEnd!.Value;
        var paragraphs = new List<Text>
        {
            new($"{Iso(approved.RequestDate)}のお申し出について、NECが延長を承諾し（{Iso(approved.DecidedOn!.Value)}）、利用期間を{Iso(newEnd)}まで延長します（§2-3）。",
                $"NEC approved your request of {Iso(approved.RequestDate)} on {Iso(approved.DecidedOn!.Value)}: the usage period is extended to {Iso(newEnd)} (§2-3)."),
        };
        if (newEnd != approved.RequestedEnd)
        {
            paragraphs.Add(new($"終了日はお申し出の{Iso(approved.RequestedEnd)}ではなく、両社で調整した{Iso(newEnd)}です。",
                $"The end is the one agreed between the parties, {Iso(newEnd)}, rather than the {Iso(approved.RequestedEnd)} you asked for."));
        }

        paragraphs.Add(newBaseFee is null && newUnitPrice is null
            ? new("サービス料金は変わりません。", "Prices do not change.")
            : new($"{Iso(pricesFrom)}（従前の利用期間終了日の翌日）から、調整後のサービス料金が適用されます。", $"The agreed prices apply from {Iso(pricesFrom)}, the day after the previous end."));
        if (previousRemovalDate is { } removal)
        {
            paragraphs.Add(new($"従前の終了日に合わせて合意した撤去日{Iso(removal)}は取り消され、新しい終了日の後30日以内に改めて調整します（§29-1）。",
                $"The removal date agreed for the previous end ({Iso(removal)}) no longer applies; removal is agreed again within 30 days after the new end (§29-1)."));
        }

        var facts = new List<NoticeFact>
        {
            new(new Text("お申し出日", "request date"), Iso(approved.RequestDate), clause),
            new(new Text("承諾日", "approved on"), Iso(approved.DecidedOn!.Value), clause),
            new(new Text("従前の利用期間終了日", "previous usage period end"), Iso(previousEnd), clause),
            new(new Text("新しい利用期間終了日", "new usage period end"), Iso(newEnd), clause),
        };
        if (newBaseFee is { } fee)
        {
            facts.Add(new(new Text($"{Iso(pricesFrom)}からの基本料金（月額）", $"monthly base fee from {Iso(pricesFrom)}"), Price(fee) + " (税抜 / before tax)", $"{clause}, §4-3"));
        }

        if (newUnitPrice is { } price)
        {
            facts.Add(new(new Text($"{Iso(pricesFrom)}からの料金単価", $"unit price from {Iso(pricesFrom)}"), Price(price) + " (税抜 / before tax)", $"{clause}, §4-4"));
        }

        return Compose(state, $"extension/{Iso(newEnd)}", NoticeKind.ExtensionConfirmed, today,
            new Text($"【{state.Product.ServiceName.Ja}】利用期間の延長が決まりました（{Iso(newEnd)}まで）", $"[{state.Product.ServiceName.En}] Usage period extended to {Iso(newEnd)}"),
            paragraphs, facts, clause);
    }

    /// <summary>nec-express5800 §2-3: NEC declined; the usage period ends as planned and removal follows (§29-1).</summary>
    public static Notice ExtensionDeclined(ContractState state, ExtensionQuote quote, RemovalQuote removal, LocalDate today)
    {
        var request = state.ExtensionRequest!;
        return Compose(state, $"extension-declined/{Iso(request.DecidedOn!.Value)}", NoticeKind.ExtensionDeclined, today,
            new Text($"【{state.Product.ServiceName.Ja}】利用期間の延長は見送りとなりました（終了日 {Iso(quote.UsagePeriodEnd)}）", $"[{state.Product.ServiceName.En}] Extension declined: the usage period ends on {Iso(quote.UsagePeriodEnd)}"),
            [
                new Text($"{Iso(request.RequestDate)}の延長のお申し出について、NECは延長できないと判断しました（{Iso(request.DecidedOn!.Value)}、§2-3）。",
                    $"NEC decided on {Iso(request.DecidedOn!.Value)} that the usage period cannot be extended as you asked on {Iso(request.RequestDate)} (§2-3)."),
                new Text($"利用期間は予定どおり{Iso(quote.UsagePeriodEnd)}に終了します。機器は終了後30日以内（{Iso(removal.RemovalDeadline)}まで）に撤去し、撤去日は10営業日前（{Iso(removal.SchedulingDeadline)}）までに調整します（§29-1）。",
                    $"The usage period ends on {Iso(quote.UsagePeriodEnd)} as planned. The equipment is removed within 30 days after it (by {Iso(removal.RemovalDeadline)}); the removal date is agreed 10 business days before, by {Iso(removal.SchedulingDeadline)} (§29-1)."),
            ],
            [
                new(new Text("お申し出日", "request date"), Iso(request.RequestDate), quote.Clause),
                new(new Text("判断日", "decided on"), Iso(request.DecidedOn!.Value), quote.Clause),
                new(new Text("利用期間終了日", "usage period end"), Iso(quote.UsagePeriodEnd), NecExpress5800Terms.UsagePeriodClause),
                new(new Text("撤去日の調整期限", "agree the removal date by"), Iso(removal.SchedulingDeadline), removal.Clause),
                new(new Text("機器撤去の期限", "equipment removal deadline"), Iso(removal.RemovalDeadline), removal.Clause),
            ],
            quote.Clause);
    }

    public static Notice InvoiceIssued(ContractState state, Invoice invoice, LocalDate today) =>
        invoice.Correction is { } correction ? CorrectionIssued(state, invoice, correction, today) : Compose(state, $"invoice/{invoice.Number}", NoticeKind.InvoiceIssued, today,
            invoice.Kind == InvoiceKind.LateInterest
                ? new Text($"【{state.Product.ServiceName.Ja}】遅延損害金のご請求（{invoice.Number}）", $"[{state.Product.ServiceName.En}] Late interest invoice {invoice.Number}")
                : invoice.Kind == InvoiceKind.ProviderPayout
                ? new Text($"【{state.Product.ServiceName.Ja}】当社による解除に伴うお支払い（{invoice.Number}、{-invoice.Total:N0}円）", $"[{state.Product.ServiceName.En}] Payment to you for our termination ({invoice.Number}, ¥{-invoice.Total:N0})")
                : new Text($"【{state.Product.ServiceName.Ja}】{invoice.Month.Year}年{invoice.Month.Month}月分のご請求（{invoice.Number}）", $"[{state.Product.ServiceName.En}] Invoice {invoice.Number} for {invoice.Month:uuuu-MM}"),
            [invoice.Kind == InvoiceKind.ProviderPayout
                ? new Text($"当社による利用契約の解除に伴い、{-invoice.Total:N0}円を{Iso(invoice.DueDate)}までにお支払いします（{invoice.DueDateClause}）。",
                    $"As we end the contract, we pay you ¥{-invoice.Total:N0} by {Iso(invoice.DueDate)} ({invoice.DueDateClause}).")
                : invoice.Kind == InvoiceKind.LateInterest
                ? new Text($"{invoice.Refers}のお支払いが期日後となったため、遅延損害金のご請求書を発行しました。お支払期日は{Iso(invoice.DueDate)}です。",
                    $"{invoice.Refers} was paid after its due date; this invoice bills the late interest and is due on {Iso(invoice.DueDate)}.")
                : new Text($"{invoice.Month.Year}年{invoice.Month.Month}月分のご請求書を発行しました。お支払期日は{Iso(invoice.DueDate)}です。",
                    $"Your invoice for {invoice.Month:uuuu-MM} is issued; payment is due on {Iso(invoice.DueDate)}.")],
            [
                .. invoice.Lines.Select(line => new NoticeFact(line.Description, InvoiceHtml.Yen(line.Amount), line.Clause)),
                .. invoice.Kind == InvoiceKind.ProviderPayout
                    ? (NoticeFact[])
                    [
                        // Outside the scope of consumption tax: no tax line; the sum is paid to the customer, not asked of them.
                        new(new Text("当社からのお支払額（不課税）", "we pay you (outside the scope of consumption tax)"), InvoiceHtml.Yen(-invoice.Total), invoice.DueDateClause),
                        new(new Text("お支払期限", "paid by"), Iso(invoice.DueDate), invoice.DueDateClause),
                    ]
                    :
                    [
                        new(new Text("消費税", "consumption tax"), InvoiceHtml.Yen(invoice.Tax), invoice.TaxClause),
                        new(new Text("ご請求金額（税込）", "total including tax"), InvoiceHtml.Yen(invoice.Total), invoice.TaxClause),
                        new(new Text("お支払期日", "payment due"), Iso(invoice.DueDate), invoice.DueDateClause),
                    ],
            ],
            invoice.DueDateClause, invoice.Number);

    /// <summary>
    /// A correction of an issued invoice, sent like the invoice (with its PDF and JP PINT XML attached): a credit note
    /// (適格返還請求書, 消費税法 §57-4(3)) says what is returned and its tax; a corrected invoice (修正した適格請求書, §57-4(4))
    /// says it replaces the original and what is now due. Both name the original, its 発行日 and the reason.
    /// </summary>
    private static Notice CorrectionIssued(ContractState state, Invoice invoice, CorrectionReference correction, LocalDate today)
    {
        var credit = invoice.Kind == InvoiceKind.CreditNote;
        return Compose(state, $"invoice/{invoice.Number}", NoticeKind.InvoiceIssued, today,
            credit
                ? new Text($"【{state.Product.ServiceName.Ja}】適格返還請求書（{correction.Number}の返還 {-invoice.Total:N0}円、{invoice.Number}）", $"[{state.Product.ServiceName.En}] Credit note {invoice.Number} (¥{-invoice.Total:N0} returned on {correction.Number})")
                : new Text($"【{state.Product.ServiceName.Ja}】請求書の訂正（{correction.Number}に代わる{invoice.Number}）", $"[{state.Product.ServiceName.En}] Corrected invoice {invoice.Number} (replaces {correction.Number})"),
            [credit
                ? new Text($"{correction.Number}（発行日 {Iso(correction.IssueDate)}）について、{-invoice.Total:N0}円（税込）を返還します。理由：{correction.Reason}",
                    $"On {correction.Number} (issued {Iso(correction.IssueDate)}) we return ¥{-invoice.Total:N0} including tax. Reason: {correction.Reason}")
                : new Text($"{correction.Number}（発行日 {Iso(correction.IssueDate)}）を訂正し、本書に差し替えます。お支払期日は{Iso(invoice.DueDate)}です。理由：{correction.Reason}",
                    $"{correction.Number} (issued {Iso(correction.IssueDate)}) is corrected and replaced by this invoice, due on {Iso(invoice.DueDate)}. Reason: {correction.Reason}")],
            [
                .. invoice.Lines.Select(line => new NoticeFact(line.Description, InvoiceHtml.Yen(credit ? -line.Amount : line.Amount), line.Clause)),
                .. credit
                    ? (NoticeFact[])
                    [
                        new(new Text("返還する消費税", "consumption tax returned"), InvoiceHtml.Yen(-invoice.Tax), invoice.TaxClause),
                        new(new Text("返還等の金額（税込）", "returned, tax included"), InvoiceHtml.Yen(-invoice.Total), invoice.DueDateClause),
                    ]
                    :
                    [
                        new(new Text("消費税", "consumption tax"), InvoiceHtml.Yen(invoice.Tax), invoice.TaxClause),
                        new(new Text("ご請求金額（税込）", "total including tax"), InvoiceHtml.Yen(invoice.Total), invoice.TaxClause),
                        new(new Text("お支払期日", "payment due"), Iso(invoice.DueDate), invoice.DueDateClause),
                    ],
            ],
            invoice.DueDateClause, invoice.Number);
    }

    /// <summary>
    /// The overdue reminder. The day after the due date no interest has run yet where the clause counts to the day before
    /// payment (eclect-aws §17, NTT §19, OPTAGE §27): the notice then says so and when it starts, instead of
    /// "¥… × 0日 … ¥0"; a late-interest amount of ¥0 is not listed.
    /// </summary>
    public static Notice PaymentOverdue(ContractState state, OpenInvoice invoice, LateInterest interest, int stage, LocalDate today)
    {
        var noInterestYet = invoice.BearsInterest && !interest.Waived && interest.Days == 0;
        var rate = (interest.Rate * 100).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        var explanation = noInterestYet
            ? new Text($"本日（{Iso(today)}）のお支払いであれば遅延損害金はかかりません。翌日以降のお支払いには年{rate}%の遅延損害金がかかります（{interest.Clause}）。",
                $"Paid today ({Iso(today)}), no late interest is owed; paid later, late interest of {rate}% a year runs ({interest.Clause}).")
            : interest.Explanation;
        List<NoticeFact> facts = [new(new Text("未払額", "outstanding"), InvoiceHtml.Yen(invoice.Outstanding), interest.Clause)];
        if (interest.Interest > 0)
        {
            facts.Add(new(new Text($"{Iso(today)}にお支払いの場合の遅延損害金", $"late interest if paid on {Iso(today)}"), InvoiceHtml.Yen(interest.Interest), interest.Clause));
        }

        return Compose(state, $"overdue/{invoice.Number}/{stage}", NoticeKind.PaymentOverdue, today,
            new Text($"【{state.Product.ServiceName.Ja}】お支払期日を過ぎています（{invoice.Number}）", $"[{state.Product.ServiceName.En}] Payment overdue: {invoice.Number}"),
            [
                new Text($"{invoice.Number}（お支払期日 {Iso(invoice.DueDate)}）のお支払いが確認できていません。", $"We have not received payment of {invoice.Number}, due on {Iso(invoice.DueDate)}."),
                explanation,
            ],
            facts,
            interest.Clause, invoice.Number);
    }

    public static Notice ProviderTermination(ContractState state, DeadlineQuote quote, LocalDate end, LocalDate today) =>
        Compose(state, $"provider/{quote.Rule}/{Iso(quote.From)}", NoticeKind.ProviderTermination, today,
            new Text($"【{state.Product.ServiceName.Ja}】サービス提供終了のお知らせ（{Iso(end)}）", $"[{state.Product.ServiceName.En}] The provider ends the service on {Iso(end)}"),
            [quote.Explanation, new Text($"ご契約 {state.ContractId} は{Iso(end)}に終了します。", $"Contract {state.ContractId} ends on {Iso(end)}.")],
            [
                new(new Text("通知日", "notice date"), Iso(quote.From), quote.Clause),
                new(new Text("終了日", "end date"), Iso(end), quote.Clause),
            ],
            quote.Clause);

    public static Notice ProviderDeadline(ContractState state, DeadlineQuote quote, Milestone deadline, LocalDate today) =>
        Compose(state, $"provider/{quote.Rule}/{Iso(quote.From)}", NoticeKind.ProviderDeadline, today,
            new Text($"【{state.Product.ServiceName.Ja}】{deadline.Description.Ja}：{Iso(deadline.Date)}（{deadline.Clause}）", $"[{state.Product.ServiceName.En}] {Capitalise(deadline.Description.En)}: {Iso(deadline.Date)} ({deadline.Clause})"),
            [quote.Explanation, new Text($"ご契約 {state.ContractId} について、{Iso(deadline.Date)}までにご対応ください。", $"Please act on contract {state.ContractId} by {Iso(deadline.Date)}.")],
            [
                new(new Text("通知日", "notice date"), Iso(quote.From), quote.Clause),
                new(deadline.Description, Iso(deadline.Date), deadline.Clause),
            ],
            quote.Clause);

    /// <summary>
    /// A suspension for non-payment announced ahead of its day (NEC §19-2, NTT §34-2: the reason, the
    /// day and the period are notified beforehand): the unpaid invoice, the day, and that it lasts until payment.
    /// </summary>
    public static Notice SuspensionAnnounced(ContractState state, SuspensionRecord suspension, OpenInvoice ground, string? advanceClause, (string Clause, Text Words) charges, LocalDate today) =>
        Compose(state, $"suspension/{Iso(suspension.NoticeDate)}/announced", NoticeKind.SuspensionAnnounced, today,
            new Text($"【{state.Product.ServiceName.Ja}】料金未払いによるサービス利用停止のお知らせ（{Iso(suspension.From)}から）", $"[{state.Product.ServiceName.En}] Service suspended from {Iso(suspension.From)} for non-payment"),
            [
                new Text($"{ground.Number}（お支払期日 {Iso(ground.DueDate)}）のお支払いが確認できないため、ご契約 {state.ContractId} の本サービスの提供を{Iso(suspension.From)}から停止します（{suspension.Clause}）。",
                    $"We have not received payment of {ground.Number}, due on {Iso(ground.DueDate)}: the service of contract {state.ContractId} will be suspended from {Iso(suspension.From)} ({suspension.Clause})."),
                new Text($"停止はお支払いを確認するまで続きます。それまでにお支払いいただければ停止は行いません。{charges.Words.Ja}",
                    $"The suspension lasts until payment is received; if you pay before {Iso(suspension.From)} it will not take place. {Capitalise(charges.Words.En)}."),
            ],
            [
                new(new Text("停止の理由", "reason"), $"{ground.Number} 未払い / unpaid", suspension.Clause),
                new(new Text("未払額", "outstanding"), InvoiceHtml.Yen(ground.Outstanding), suspension.Clause),
                new(new Text("通知日", "notice date"), Iso(suspension.NoticeDate), advanceClause ?? suspension.Clause),
                new(new Text("停止する日", "suspended from"), Iso(suspension.From), advanceClause ?? suspension.Clause),
                new(new Text("停止の期間", "period"), "お支払いの確認まで / until payment is received", suspension.Clause),
                new(new Text("停止中の料金", "charges while suspended"), "発生します / continue", charges.Clause),
            ],
            suspension.Clause, ground.Number);

    /// <summary>The suspension has begun: what is still overdue, and that paying it resumes the service.</summary>
    public static Notice SuspensionEffective(ContractState state, SuspensionRecord suspension, (string Clause, Text Words) charges, LocalDate today)
    {
        var overdue = state.OpenInvoices.Where(i => i.Outstanding > 0 && i.DueDate < today).ToList();
        return Compose(state, $"suspension/{Iso(suspension.NoticeDate)}/effective", NoticeKind.SuspensionEffective, today,
            new Text($"【{state.Product.ServiceName.Ja}】サービスの提供を停止しました（{Iso(suspension.From)}、{suspension.Clause}）", $"[{state.Product.ServiceName.En}] Service suspended from {Iso(suspension.From)} ({suspension.Clause})"),
            [
                new Text($"料金の未払い（{suspension.Invoice}）により、ご契約 {state.ContractId} の本サービスの提供を{Iso(suspension.From)}から停止しています。", $"Because {suspension.Invoice} is unpaid, the service of contract {state.ContractId} is suspended from {Iso(suspension.From)}."),
                new Text($"未払いの料金をすべてお支払いいただいた時点で再開します。{charges.Words.Ja}", $"It resumes once every overdue invoice is paid. {Capitalise(charges.Words.En)}."),
            ],
            [
                new(new Text("停止の通知日", "notice date"), Iso(suspension.NoticeDate), suspension.Clause),
                new(new Text("停止開始日", "suspended from"), Iso(suspension.From), suspension.Clause),
                .. overdue.Select(i => new NoticeFact(new Text($"未払い {i.Number}（期日 {Iso(i.DueDate)}）", $"unpaid {i.Number} (due {Iso(i.DueDate)})"), InvoiceHtml.Yen(i.Outstanding), suspension.Clause)),
                new(new Text("停止中の料金", "charges while suspended"), "発生します / continue", charges.Clause),
            ],
            suspension.Clause, suspension.Invoice);
    }

    /// <summary>Every overdue invoice is paid: the service resumes, or a suspension not yet begun is called off.</summary>
    public static Notice ServiceResumed(ContractState state, SuspensionRecord suspension, Text what, LocalDate today) =>
        Compose(state, $"suspension/{Iso(suspension.NoticeDate)}/resumed", NoticeKind.ServiceResumed, today,
            suspension.InEffect
                ? new Text($"【{state.Product.ServiceName.Ja}】サービスの提供を再開しました（{Iso(today)}）", $"[{state.Product.ServiceName.En}] Service resumed on {Iso(today)}")
                : new Text($"【{state.Product.ServiceName.Ja}】サービス利用停止の取りやめ（{Iso(suspension.From)}の停止は行いません）", $"[{state.Product.ServiceName.En}] The suspension from {Iso(suspension.From)} will not take place"),
            [what, new Text("お支払いありがとうございました。", "Thank you for your payment.")],
            [
                new(new Text("停止の通知日", "suspension notice date"), Iso(suspension.NoticeDate), suspension.Clause),
                new(new Text("停止開始日", "suspended from"), Iso(suspension.From), suspension.Clause),
                new(suspension.InEffect ? new Text("再開日", "resumed on") : new Text("取りやめ日", "called off on"), Iso(today), suspension.Clause),
            ],
            suspension.Clause, suspension.Invoice);

    /// <summary>
    /// The contract is terminated for non-payment (eclect-aws §28-1(1)): the day it ends and, where the
    /// terms accelerate the debts (§28-4), every open invoice with the day it is now due.
    /// </summary>
    public static Notice NonPaymentTermination(ContractState state, DeadlineRule rule, LocalDate noticeDate, OpenInvoice ground, LocalDate end, DeadlineQuote? acceleration, IReadOnlyList<OpenInvoice> accelerated, LocalDate today)
    {
        var paragraphs = new List<Text>
        {
            new($"{ground.Number}（お支払期日 {Iso(ground.DueDate)}）のお支払いが確認できないため、ご契約 {state.ContractId} を{Iso(end)}をもって解除します（{rule.Clause}）。",
                $"We have not received payment of {ground.Number}, due on {Iso(ground.DueDate)}: contract {state.ContractId} is terminated on {Iso(end)} ({rule.Clause})."),
        };
        var facts = new List<NoticeFact>
        {
            new(new Text("通知日", "notice date"), Iso(noticeDate), rule.Clause),
            new(new Text("解除日", "termination date"), Iso(end), rule.Clause),
            new(new Text("解除の理由", "reason"), $"{ground.Number} 未払い / unpaid ({InvoiceHtml.Yen(ground.Outstanding)})", rule.Clause),
        };
        if (acceleration is not null)
        {
            paragraphs.Add(acceleration.Explanation);
            paragraphs.Add(new Text($"未払いのご請求は、すべて{Iso(acceleration.Date)}までにお支払いください。遅延損害金はその翌日から発生します。",
                $"Every unpaid invoice is due by {Iso(acceleration.Date)}; late interest runs from the next day."));
            facts.Add(new(new Text("一括のお支払期日", "everything due on"), Iso(acceleration.Date), acceleration.Clause));
            facts.AddRange(state.OpenInvoices.Where(i => i.Outstanding > 0).Select(i => new NoticeFact(
                new Text($"{i.Number}（お支払期日 {Iso(i.DueDate)}）", $"{i.Number} (due {Iso(i.DueDate)})"),
                InvoiceHtml.Yen(i.Outstanding),
                accelerated.Any(a => a.Number == i.Number) ? acceleration.Clause : rule.Clause)));
        }

        return Compose(state, $"provider/{rule.Name}/{Iso(noticeDate)}", NoticeKind.NonPaymentTermination, today,
            new Text($"【{state.Product.ServiceName.Ja}】料金未払いによる契約解除のお知らせ（{Iso(end)}、{rule.Clause}）", $"[{state.Product.ServiceName.En}] Contract terminated for non-payment on {Iso(end)} ({rule.Clause})"),
            paragraphs, facts, rule.Clause, ground.Number);
    }

    private static string Iso(LocalDate date) => date.ToString("uuuu-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An agreed price, which may have a fraction (a unit price): ¥130,000, ¥2.5.</summary>
    private static string Price(decimal yen) => "¥" + yen.ToString("#,0.####", System.Globalization.CultureInfo.InvariantCulture);

    private static string Capitalise(string text) => string.Concat(char.ToUpperInvariant(text[0]).ToString(), text.AsSpan(1));

    private static Notice Compose(ContractState state, string what, NoticeKind kind, LocalDate today, Text subject, IReadOnlyList<Text> paragraphs, IReadOnlyList<NoticeFact> facts, string clause, string? invoiceNumber = null) =>
        new($"{state.ContractId}/{what}", state.ContractId, kind, today, state.Customer, subject, paragraphs, facts, clause, invoiceNumber) { From = state.Issuer };
}
