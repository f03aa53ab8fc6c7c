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
            new Text($"【{state.Product}】ご契約 {state.ContractId} を登録しました", $"[{state.Product}] Contract {state.ContractId} is registered"),
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
            new Text($"【{state.Product}】{ja}：{Iso(deadline.Date)}（{deadline.Clause}）", $"[{state.Product}] {Capitalise(en)}: {Iso(deadline.Date)} ({deadline.Clause})"),
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
            new Text($"【{state.Product}】解約のご通知を受け付けました（解約日 {Iso(quote.EffectiveDate)}）", $"[{state.Product}] Cancellation received: effective {Iso(quote.EffectiveDate)}"),
            [quote.Explanation, charges.Count == 0
                ? new Text("解約に伴う追加の料金はありません。", "The cancellation adds no charges.")
                : new Text("解約に伴い次の料金が最終月のご請求に加わります。", "The following charges are added to the final month's invoice.")],
            facts, quote.Clause);
    }

    public static Notice ExtensionConfirmed(ContractState state, ExtensionQuote quote, LocalDate requestDate, LocalDate newEnd, LocalDate today) =>
        Compose(state, $"extension/{Iso(newEnd)}", NoticeKind.ExtensionConfirmed, today,
            new Text($"【{state.Product}】利用期間の延長を承りました（{Iso(newEnd)}まで）", $"[{state.Product}] Usage period extended to {Iso(newEnd)}"),
            [new Text($"{Iso(requestDate)}のお申し出により、利用期間を{Iso(newEnd)}まで延長します。料金は別途協議のうえ定めます。",
                $"At your request of {Iso(requestDate)} the usage period is extended to {Iso(newEnd)}; prices are agreed separately.")],
            [
                new(new Text("延長申出の期限", "extension request deadline"), Iso(quote.Deadline), quote.Clause),
                new(new Text("従前の利用期間終了日", "previous usage period end"), Iso(quote.UsagePeriodEnd), quote.Clause),
                new(new Text("新しい利用期間終了日", "new usage period end"), Iso(newEnd), quote.Clause),
            ],
            quote.Clause);

    public static Notice InvoiceIssued(ContractState state, Invoice invoice, LocalDate today) =>
        Compose(state, $"invoice/{invoice.Number}", NoticeKind.InvoiceIssued, today,
            invoice.Kind == InvoiceKind.LateInterest
                ? new Text($"【{state.Product}】遅延損害金のご請求（{invoice.Number}）", $"[{state.Product}] Late interest invoice {invoice.Number}")
                : new Text($"【{state.Product}】{invoice.Month.Year}年{invoice.Month.Month}月分のご請求（{invoice.Number}）", $"[{state.Product}] Invoice {invoice.Number} for {invoice.Month:uuuu-MM}"),
            [invoice.Kind == InvoiceKind.LateInterest
                ? new Text($"{invoice.Refers}のお支払いが期日後となったため、遅延損害金のご請求書を発行しました。お支払期日は{Iso(invoice.DueDate)}です。",
                    $"{invoice.Refers} was paid after its due date; this invoice bills the late interest and is due on {Iso(invoice.DueDate)}.")
                : new Text($"{invoice.Month.Year}年{invoice.Month.Month}月分のご請求書を発行しました。お支払期日は{Iso(invoice.DueDate)}です。",
                    $"Your invoice for {invoice.Month:uuuu-MM} is issued; payment is due on {Iso(invoice.DueDate)}.")],
            [
                .. invoice.Lines.Select(line => new NoticeFact(line.Description, InvoiceHtml.Yen(line.Amount), line.Clause)),
                new(new Text("消費税", "consumption tax"), InvoiceHtml.Yen(invoice.Tax), invoice.TaxClause),
                new(new Text("ご請求金額（税込）", "total including tax"), InvoiceHtml.Yen(invoice.Total), invoice.TaxClause),
                new(new Text("お支払期日", "payment due"), Iso(invoice.DueDate), invoice.DueDateClause),
            ],
            invoice.DueDateClause, invoice.Number);

    public static Notice PaymentOverdue(ContractState state, OpenInvoice invoice, LateInterest interest, int stage, LocalDate today) =>
        Compose(state, $"overdue/{invoice.Number}/{stage}", NoticeKind.PaymentOverdue, today,
            new Text($"【{state.Product}】お支払期日を過ぎています（{invoice.Number}）", $"[{state.Product}] Payment overdue: {invoice.Number}"),
            [
                new Text($"{invoice.Number}（お支払期日 {Iso(invoice.DueDate)}）のお支払いが確認できていません。", $"We have not received payment of {invoice.Number}, due on {Iso(invoice.DueDate)}."),
                interest.Explanation,
            ],
            [
                new(new Text("未払額", "outstanding"), InvoiceHtml.Yen(invoice.Outstanding), interest.Clause),
                new(new Text($"{Iso(today)}にお支払いの場合の遅延損害金", $"late interest if paid on {Iso(today)}"), InvoiceHtml.Yen(interest.Interest), interest.Clause),
            ],
            interest.Clause, invoice.Number);

    public static Notice ProviderTermination(ContractState state, DeadlineQuote quote, LocalDate end, LocalDate today) =>
        Compose(state, $"provider/{quote.Rule}/{Iso(quote.From)}", NoticeKind.ProviderTermination, today,
            new Text($"【{state.Product}】サービス提供終了のお知らせ（{Iso(end)}）", $"[{state.Product}] The provider ends the service on {Iso(end)}"),
            [quote.Explanation, new Text($"ご契約 {state.ContractId} は{Iso(end)}に終了します。", $"Contract {state.ContractId} ends on {Iso(end)}.")],
            [
                new(new Text("通知日", "notice date"), Iso(quote.From), quote.Clause),
                new(new Text("終了日", "end date"), Iso(end), quote.Clause),
            ],
            quote.Clause);

    public static Notice ProviderDeadline(ContractState state, DeadlineQuote quote, Milestone deadline, LocalDate today) =>
        Compose(state, $"provider/{quote.Rule}/{Iso(quote.From)}", NoticeKind.ProviderDeadline, today,
            new Text($"【{state.Product}】{deadline.Description.Ja}：{Iso(deadline.Date)}（{deadline.Clause}）", $"[{state.Product}] {Capitalise(deadline.Description.En)}: {Iso(deadline.Date)} ({deadline.Clause})"),
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
            new Text($"【{state.Product}】料金未払いによるサービス利用停止のお知らせ（{Iso(suspension.From)}から）", $"[{state.Product}] Service suspended from {Iso(suspension.From)} for non-payment"),
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
            new Text($"【{state.Product}】サービスの提供を停止しました（{Iso(suspension.From)}、{suspension.Clause}）", $"[{state.Product}] Service suspended from {Iso(suspension.From)} ({suspension.Clause})"),
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
                ? new Text($"【{state.Product}】サービスの提供を再開しました（{Iso(today)}）", $"[{state.Product}] Service resumed on {Iso(today)}")
                : new Text($"【{state.Product}】サービス利用停止の取りやめ（{Iso(suspension.From)}の停止は行いません）", $"[{state.Product}] The suspension from {Iso(suspension.From)} will not take place"),
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
            new Text($"【{state.Product}】料金未払いによる契約解除のお知らせ（{Iso(end)}、{rule.Clause}）", $"[{state.Product}] Contract terminated for non-payment on {Iso(end)} ({rule.Clause})"),
            paragraphs, facts, rule.Clause, ground.Number);
    }

    private static string Iso(LocalDate date) => date.ToString("uuuu-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static string Capitalise(string text) => string.Concat(char.ToUpperInvariant(text[0]).ToString(), text.AsSpan(1));

    private static Notice Compose(ContractState state, string what, NoticeKind kind, LocalDate today, Text subject, IReadOnlyList<Text> paragraphs, IReadOnlyList<NoticeFact> facts, string clause, string? invoiceNumber = null) =>
        new($"{state.ContractId}/{what}", state.ContractId, kind, today, state.Customer, subject, paragraphs, facts, clause, invoiceNumber);
}
