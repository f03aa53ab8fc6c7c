using CloudLifecycle.Core.Application;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CloudLifecycle.Adapters.Email;

/// <summary>SMTP settings: Azure Communication Services' SMTP endpoint in production, maildev locally.</summary>
public sealed record SmtpSettings(string Host, int Port, string FromAddress, string FromName = "CloudLifecycle", string? UserName = null, string? Password = null, bool StartTls = false);

/// <summary>Sends notices over SMTP with MailKit, one connection per message (the outbox sends few, slowly).</summary>
public sealed class SmtpEmailSender(SmtpSettings settings) : IEmailSender
{
    /// <summary>
    /// How long QUIT may take once the message is accepted. Until <see cref="SendAsync"/> returns, the outbox cannot
    /// record the acceptance, and a deliverer lost meanwhile leaves the notice to be sent again: a server that
    /// stalls on QUIT held that window open for MailKit's whole timeout (two minutes).
    /// </summary>
    public static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(1);

    /// <returns>The server's reply to the end of data (its acceptance, often naming its queue id).</returns>
    public async Task<string> SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        var mime = MimeNotices.Build(message, new MailboxAddress(settings.FromName, settings.FromAddress));
        using var client = new SmtpClient();
        await client.ConnectAsync(settings.Host, settings.Port, settings.StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, cancellationToken).ConfigureAwait(false);
        if (settings.UserName is { Length: > 0 } user)
        {
            await client.AuthenticateAsync(user, settings.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
        }

        var reply = await client.SendAsync(mime, cancellationToken).ConfigureAwait(false);
        await QuitAsync(client, cancellationToken).ConfigureAwait(false);
        return reply;
    }

    /// <summary>
    /// QUIT (RFC 5321 §4.1.1.10), bounded by <see cref="QuitTimeout"/>. The message is accepted already: whatever the
    /// server does now (no answer, an error, a hang-up) must neither delay recording that nor turn it into a failure
    /// to be retried, which would send the message twice. Disposing the client closes the connection.
    /// </summary>
    private static async Task QuitAsync(SmtpClient client, CancellationToken cancellationToken)
    {
        using var quit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        quit.CancelAfter(QuitTimeout);
        try
        {
            await client.DisconnectAsync(true, quit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is OperationCanceledException or IOException or SmtpProtocolException or SmtpCommandException)
        {
            // Accepted is accepted: the reply above is what the outbox records.
        }
    }
}

/// <summary>Writes each email as an .eml file (the embedded demo's "mail server"): the name is the message id, so a resend overwrites.</summary>
public sealed class EmlFileEmailSender(string directory, string fromAddress) : IEmailSender
{
    public async Task<string> SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        var mime = MimeNotices.Build(message, new MailboxAddress("CloudLifecycle", fromAddress));
        var path = Path.Combine(directory, message.MessageId.Split('@')[0] + ".eml");
        await mime.WriteToAsync(MimeNotices.Wire, path, cancellationToken).ConfigureAwait(false);
        return $"written to {path}";
    }
}
