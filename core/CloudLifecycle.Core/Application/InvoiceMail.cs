using CloudLifecycle.Core.Billing.Rendering;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Core.Application;

/// <summary>
/// The email that announces an issued document carries the document (issue 15 point 2): its PDF attached
/// (<c>{number}.pdf</c>, application/pdf), its JP PINT e-invoice (<c>{number}.xml</c>) and a signed link to it that expires (<see cref="DocumentLinks"/>), stated in
/// the mail's text in both languages. Every document the decider issues — the month's invoice, termination charges,
/// late interest, a payout statement — is announced by an <see cref="NoticeKind.InvoiceIssued"/> notice, so each goes
/// out the same way. The PDF is laid out again from the stored document at sending time: the same invoice always gives
/// the same bytes, so a resend carries the same file.
/// </summary>
public sealed class InvoiceMail(IInvoiceStore invoices, IInvoicePdfRenderer pdf, DocumentLinks? links)
{
    /// <summary>The notice as it is sent, with the link paragraph, and its attachments; other notices pass unchanged.</summary>
    public async Task<(Notice Notice, IReadOnlyList<EmailAttachment> Attachments)> PrepareAsync(Notice notice, Instant now, CancellationToken cancellationToken = default)
    {
        if (notice.Kind != NoticeKind.InvoiceIssued || notice.InvoiceNumber is not { } number)
        {
            return (notice, []);
        }

        // Invoices are stored before the notice that announces them (CommandExecutor): a missing one is a fault to retry, not a mail without its document.
        var invoice = await invoices.GetAsync(number, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{number} is announced but not stored: the email waits for its document");
        var attachments = new List<EmailAttachment>
        {
            new($"{number}.pdf", "application/pdf", pdf.Render(invoice, notice.To.Language)),
            // The same document as a JP PINT e-invoice, for customers who book it electronically; the buyer's address is the one we write to.
            new($"{number}.xml", "application/xml", System.Text.Encoding.UTF8.GetBytes(InvoiceUbl.Render(invoice, notice.To.Email))),
        };
        var paragraphs = new List<Text>(notice.Paragraphs)
        {
            new($"請求書（{number}.pdf）と電子インボイス（JP PINT、{number}.xml）を添付しています。", $"The document is attached ({number}.pdf), and as a JP PINT e-invoice ({number}.xml)."),
        };
        if (links is not null)
        {
            var expires = now + DocumentLinks.Lifetime;
            var until = Tokyo.Today(expires).ToString("uuuu-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var url = links.InvoicePdf(number, expires);
            paragraphs.Add(new Text($"次のリンクからも{until}まで表示できます：{url}", $"It can also be opened until {until} at {url}"));
        }

        return (notice with { Paragraphs = paragraphs }, attachments);
    }
}
