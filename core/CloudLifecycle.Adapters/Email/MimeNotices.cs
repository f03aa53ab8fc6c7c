using CloudLifecycle.Core.Application;
using MimeKit;

namespace CloudLifecycle.Adapters.Email;

/// <summary>Builds the MIME message of a rendered notice: HTML and text alternatives, the stable message id.</summary>
public static class MimeNotices
{
    public static MimeMessage Build(EmailMessage message, MailboxAddress from)
    {
        var mime = new MimeMessage { Subject = message.Subject, MessageId = message.MessageId };
        mime.From.Add(from);
        mime.To.Add(new MailboxAddress(message.ToName, message.To));
        mime.Body = new BodyBuilder { HtmlBody = message.Html, TextBody = message.Text }.ToMessageBody();
        return mime;
    }
}
