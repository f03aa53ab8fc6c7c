using System.Net;
using System.Net.Sockets;
using System.Text;
using CloudLifecycle.Adapters.Email;
using CloudLifecycle.Core.Application;

namespace CloudLifecycle.Host.Tests.Reliability;

/// <summary>
/// The window in which a notice can be sent twice runs from the SMTP server's acceptance of the message to the
/// outbox row recorded "sent". The sender returns the acceptance as soon as the server gives it: what the server
/// does after that (slow to answer QUIT, hanging up, refusing QUIT) neither delays the record nor turns an
/// accepted message into a failure to be sent again.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class SmtpAcceptanceWindowTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public enum AfterAcceptance
    {
        /// <summary>Never answers QUIT (a server or a network path that stalls).</summary>
        SilentOnQuit,

        /// <summary>Closes the connection at once.</summary>
        HangsUp,

        /// <summary>Answers QUIT with an error.</summary>
        RefusesQuit,
    }

    [Theory]
    [InlineData(AfterAcceptance.SilentOnQuit)]
    [InlineData(AfterAcceptance.HangsUp)]
    [InlineData(AfterAcceptance.RefusesQuit)]
    public async Task Send_ReturnsTheServersAcceptance_WhateverTheServerDoesAfterIt(AfterAcceptance after)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var server = ServeOneAsync(listener, after, stop.Token);
        try
        {
            var sender = new SmtpEmailSender(new SmtpSettings("127.0.0.1", port, "notices@cloudlifecycle.test"));
            var send = sender.SendAsync(new EmailMessage("0123456789abcdef@reliability.test", "a@example.jp", "A", "subject", "<p>html</p>", "text"));

            var first = await Task.WhenAny(send, Task.Delay(Deadline));

            Assert.True(first == send, $"the acceptance was not returned within {Deadline.TotalSeconds} s: the message stays unrecorded (and sendable again) meanwhile");
            Assert.Contains("queued as R13", await send, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAny(server, Task.Delay(Deadline));
        }
    }

    /// <summary>A minimal SMTP server for one message: accepts it with "250 … queued as R13", then does <paramref name="after"/>.</summary>
    private static async Task ServeOneAsync(TcpListener listener, AfterAcceptance after, CancellationToken stop)
    {
        try
        {
            using var client = await listener.AcceptTcpClientAsync(stop);
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 fake.test ESMTP");
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                var verb = line.Split(' ')[0].ToUpperInvariant();
                if (verb is "EHLO" or "HELO")
                {
                    await writer.WriteLineAsync("250 fake.test");
                }
                else if (verb == "DATA")
                {
                    await writer.WriteLineAsync("354 go ahead");
                    while (await reader.ReadLineAsync(stop) is { } data && data != ".")
                    {
                    }

                    await writer.WriteLineAsync("250 2.0.0 Ok: queued as R13");
                    if (after == AfterAcceptance.HangsUp)
                    {
                        client.Client.Close(0);
                        return;
                    }
                }
                else if (verb == "QUIT")
                {
                    if (after == AfterAcceptance.SilentOnQuit)
                    {
                        await Task.Delay(Timeout.Infinite, stop);
                    }

                    await writer.WriteLineAsync(after == AfterAcceptance.RefusesQuit ? "554 5.3.0 not now" : "221 bye");
                    return;
                }
                else
                {
                    await writer.WriteLineAsync("250 ok");
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The test is over, or the client hung up.
        }
    }
}
