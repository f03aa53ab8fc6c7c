using System.Net;
using System.Net.Sockets;

namespace CloudLifecycle.Host.Tests.Reliability;

/// <summary>
/// A TCP relay on a free loopback port in front of the real SMTP server (maildev), which the test can switch off and
/// on while a host delivers: off, every connection in flight is cut and every new one is closed at once (the host sees
/// the server gone); on, connections reach maildev again. The port stays the same, as a restarted server's would.
/// </summary>
internal sealed class SmtpSwitch : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly int target;
    private readonly CancellationTokenSource stop = new();
    private readonly List<TcpClient> live = [];
    private readonly Task accepting;
    private volatile bool up = true;

    public SmtpSwitch(int targetPort)
    {
        target = targetPort;
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Connections cut or refused while off.</summary>
    public int Refused { get; private set; }

    public void Off()
    {
        up = false;
        lock (live)
        {
            foreach (var client in live)
            {
                client.Client.Close(0);
            }

            live.Clear();
        }
    }

    public void On() => up = true;

    public async ValueTask DisposeAsync()
    {
        Off();
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (!up)
            {
                Refused++;
                client.Client.Close(0);
                continue;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, target, stop.Token);
            lock (live)
            {
                live.Add(client);
                live.Add(server);
            }

            var a = client.GetStream();
            var b = server.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, stop.Token), b.CopyToAsync(a, stop.Token));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Cut by Off(), or either side hung up.
        }
        finally
        {
            lock (live)
            {
                live.Remove(client);
                live.Remove(server);
            }

            client.Dispose();
        }
    }
}
