using System.Security.Cryptography;
using System.Text;
using CloudLifecycle.Core.Application;
using MimeKit;

namespace CloudLifecycle.Adapters.Email;

/// <summary>Builds the MIME message of a rendered notice: HTML and text alternatives, the stable message id.</summary>
public static class MimeNotices
{
    /// <summary>How a message is written to a file: CRLF line ends, as on the wire (RFC 5322 §2.1).</summary>
    public static readonly FormatOptions Wire = CreateWire();

    /// <summary>Japan Standard Time, the offset a Japanese reader expects in the <c>Date:</c> header.</summary>
    private static readonly TimeSpan Tokyo = TimeSpan.FromHours(9);

    public static MimeMessage Build(EmailMessage message, MailboxAddress from)
    {
        var mime = new MimeMessage { Subject = message.Subject, MessageId = message.MessageId };
        // The issuer's company name, at the configured sending address (the address must stay the one the relay accepts).
        mime.From.Add(message.FromName is { Length: > 0 } name ? new MailboxAddress(name, from.Address) : from);
        mime.To.Add(new MailboxAddress(message.ToName, message.To));
        var body = new BodyBuilder { HtmlBody = message.Html, TextBody = message.Text };
        foreach (var attachment in message.Attachments)
        {
            // base64, with the file name in Content-Disposition (RFC 2231-encoded by MimeKit where it needs to be).
            body.Attachments.Add(attachment.FileName, attachment.Content, ContentType.Parse(attachment.ContentType));
        }

        mime.Body = body.ToMessageBody();
        foreach (var text in mime.BodyParts.OfType<TextPart>())
        {
            // Japanese UTF-8 text as base64: every text part states its transfer encoding and stays 7-bit, whatever
            // relay carries it (an unlabelled 8-bit body is what some clients showed as mojibake).
            text.ContentTransferEncoding = ContentEncoding.Base64;
        }

        if (message.SentAt is { } sentAt)
        {
            // The time the deliverer sends it (simulated in the demo), not the machine's clock: the same message
            // written twice is the same bytes.
            mime.Date = sentAt.ToDateTimeOffset().ToOffset(Tokyo);
        }

        StableBoundaries(mime.Body, message.MessageId);
        WithinEncodedWordLength(mime);
        return mime;
    }

    /// <summary>
    /// Encodes the headers that carry Japanese again with a line length one shorter than MimeKit's default: MimeKit folds
    /// to RFC 5322's 78-character lines, which lets an encoded word reach 76 characters after the folding space, one more
    /// than RFC 2047 §2 allows (「An 'encoded-word' may not be more than 75 characters long」) — strict clients and filters
    /// then show the raw =?utf-8?b?…?= text.
    /// </summary>
    private static void WithinEncodedWordLength(MimeMessage mime)
    {
        foreach (var header in mime.Headers.Where(h => h.Id is HeaderId.Subject or HeaderId.From or HeaderId.To).ToList())
        {
            header.SetValue(HeaderFormat, Encoding.UTF8, header.Value);
        }
    }

    private static readonly FormatOptions HeaderFormat = CreateHeaderFormat();

    private static FormatOptions CreateHeaderFormat()
    {
        var options = CreateWire();
        options.MaxLineLength = 77;
        return options;
    }

    private static FormatOptions CreateWire()
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        return options;
    }

    /// <summary>
    /// MIME boundaries derived from the message id (MimeKit draws random ones): a message rendered twice — a resend
    /// under the same Message-ID, a second demo run — is byte-identical. A boundary only has to be absent from the
    /// parts it separates; a 128-bit hash prefixed with "=_" (which quoted-printable and base64 bodies never contain
    /// at a line start) keeps that.
    /// </summary>
    private static void StableBoundaries(MimeEntity? entity, string messageId)
    {
        var index = 0;
        Visit(entity);

        void Visit(MimeEntity? part)
        {
            if (part is not Multipart multipart)
            {
                return;
            }

            var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{messageId}/{index++}"));
            multipart.Boundary = $"=_{Convert.ToHexStringLower(hash)[..32]}";
            foreach (var child in multipart)
            {
                Visit(child);
            }
        }
    }
}
