using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// A TCP relay between the gateway and one Redis node that counts round trips: a <em>turn</em> starts when the client
/// sends after Redis last answered on that connection (or first), and holds the names of the commands the client
/// sends until Redis answers again. Commands sent together, before any answer, are one turn, one round trip.
/// Answers are held for <see cref="AnswerDelay"/>, so that a command sent only once an answer came (a second round
/// trip) cannot pass for one sent together with the first, however the threads that send them are scheduled.
/// Connections can be made silent — accepted and read, never answered — like a hung server's (<see cref="Drop"/>).
/// </summary>
public sealed class RedisRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Turn> _turns = [];
    private readonly List<(Turn Turn, string Command)> _commands = [];
    private readonly List<TcpClient> _sockets = [];
    private readonly Task _accepting;
    private int _connections;
    private int _accepted;
    private int _silent;

    private RedisRelay(IPEndPoint target, int port, TimeSpan answerDelay, int silent)
    {
        _target = target;
        AnswerDelay = answerDelay;
        _silent = silent;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Endpoint => $"127.0.0.1:{Port}";

    public TimeSpan AnswerDelay { get; }

    /// <summary>
    /// A relay to the Redis server on <paramref name="redisPort"/>. Its first <paramref name="silent"/> connections are
    /// accepted and read but never passed on or answered, like a hung server or a connection lost on the way.
    /// </summary>
    public static RedisRelay Start(int redisPort, TimeSpan answerDelay, int silent = 0) =>
        new(new IPEndPoint(IPAddress.Loopback, redisPort), 0, answerDelay, silent);

    /// <summary>
    /// Closes every connection, as a failing network would, and makes the next <paramref name="silent"/> connections
    /// silent (accepted and read, never answered).
    /// </summary>
    public void Drop(int silent)
    {
        Volatile.Write(ref _silent, Accepted + silent);
        lock (_sockets)
        {
            _sockets.ForEach(s => s.Dispose());
            _sockets.Clear();
        }
    }

    /// <summary>How many connections were accepted, the silent ones included.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>How many commands were seen so far, on every connection.</summary>
    public int Count
    {
        get
        {
            lock (_turns)
            {
                return _commands.Count;
            }
        }
    }

    /// <summary>
    /// The commands since <paramref name="mark"/> (a <see cref="Count"/> taken before), by the turn they were sent in
    /// (a turn may have started before the mark, with commands of the gateway's own schedule).
    /// </summary>
    public IReadOnlyList<Turn> Since(int mark)
    {
        lock (_turns)
        {
            return _commands.Skip(mark).GroupBy(c => c.Turn)
                .Select(g => g.Key with { Commands = [.. g.Select(c => c.Command)] })
                .ToList();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_sockets)
        {
            _sockets.ForEach(s => s.Dispose());
        }

        try
        {
            await _accepting;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    /// <summary>
    /// Accepts until stopped. A connection the client closes at once (a short-lived admin connection that learned the
    /// relay's port from the Cluster's slot map) must not end the loop: every later connection would then wait
    /// unaccepted, its handshake never answered.
    /// </summary>
    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        if (Interlocked.Increment(ref _accepted) <= Volatile.Read(ref _silent))
        {
            await SwallowAsync(client);
            return;
        }

        var server = new TcpClient { NoDelay = true };
        client.NoDelay = true;
        lock (_sockets)
        {
            _sockets.Add(client);
            _sockets.Add(server);
        }

        try
        {
            await server.ConnectAsync(_target, _stop.Token);
            var fromClient = client.GetStream();
            var fromServer = server.GetStream();
            var connection = new Connection(this, Interlocked.Increment(ref _connections));
            await Task.WhenAll(
                RelayAsync(fromClient, fromServer, connection.FromClient, TimeSpan.Zero),
                RelayAsync(fromServer, fromClient, connection.FromServer, AnswerDelay));
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            // Closed by either side before or while relaying.
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }

    /// <summary>Reads what the client sends until it closes, answering nothing.</summary>
    private async Task SwallowAsync(TcpClient client)
    {
        lock (_sockets)
        {
            _sockets.Add(client);
        }

        var buffer = new byte[4096];
        try
        {
            var stream = client.GetStream();
            while (await stream.ReadAsync(buffer, _stop.Token) > 0)
            {
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            // Closed by either side.
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task RelayAsync(NetworkStream from, NetworkStream to, Action<ReadOnlySpan<byte>> seen, TimeSpan delay)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _stop.Token);
                }

                // Seen before it is passed on: an answer can only follow what was recorded.
                seen(buffer.AsSpan(0, read));
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Closed by either side.
        }
        finally
        {
            if (to.Socket.Connected)
            {
                to.Socket.Shutdown(SocketShutdown.Send);
            }
        }
    }

    /// <summary>
    /// One round trip: the connection it was made on, the commands sent in it, when its first bytes came and when
    /// its first answer was passed on (<see cref="System.Diagnostics.Stopwatch"/> timestamps; zero while unanswered).
    /// </summary>
    public sealed record Turn(int Connection, List<string> Commands)
    {
        public long Started { get; init; }

        public long Answered { get; set; }

        public override string ToString() => $"#{Connection}: {string.Join(' ', Commands)}";
    }

    /// <summary>The direction of the last bytes on one connection, and the client's commands parsed (RESP arrays of bulk strings).</summary>
    private sealed class Connection(RedisRelay proxy, int id)
    {
        private readonly Lock _gate = new();
        private readonly List<byte> _pending = [];
        private bool _answered = true;
        private Turn? _turn;

        public void FromClient(ReadOnlySpan<byte> bytes)
        {
            lock (_gate)
            {
                if (_answered)
                {
                    _turn = new Turn(id, []) { Started = System.Diagnostics.Stopwatch.GetTimestamp() };
                    lock (proxy._turns)
                    {
                        proxy._turns.Add(_turn);
                    }

                    _answered = false;
                }

                _pending.AddRange(bytes);
                while (TryParse(out var name))
                {
                    lock (proxy._turns)
                    {
                        _turn!.Commands.Add(name);
                        proxy._commands.Add((_turn, name));
                    }
                }
            }
        }

        public void FromServer(ReadOnlySpan<byte> bytes)
        {
            lock (_gate)
            {
                if (!_answered && _turn is not null)
                {
                    _turn.Answered = System.Diagnostics.Stopwatch.GetTimestamp();
                }

                _answered = true;
            }
        }

        /// <summary>Takes one whole command off the pending bytes; its name upper-cased (a script call's with its first key: <c>EVALSHA key</c>).</summary>
        private bool TryParse(out string name)
        {
            name = string.Empty;
            var span = _pending.ToArray().AsSpan();
            var position = 0;
            if (!TryLine(span, ref position, out var header) || header[0] != '*')
            {
                return false;
            }

            var count = int.Parse(header[1..], System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < count; i++)
            {
                if (!TryLine(span, ref position, out var length))
                {
                    return false;
                }

                var size = int.Parse(length[1..], System.Globalization.CultureInfo.InvariantCulture);
                if (span.Length < position + size + 2)
                {
                    return false;
                }

                if (i == 0)
                {
                    name = Encoding.ASCII.GetString(span.Slice(position, size)).ToUpperInvariant();
                }
                else if (i == 3 && name is "EVAL" or "EVALSHA")
                {
                    name += " " + Encoding.UTF8.GetString(span.Slice(position, size));
                }

                position += size + 2;
            }

            _pending.RemoveRange(0, position);
            return true;
        }

        private static bool TryLine(ReadOnlySpan<byte> span, ref int position, out string line)
        {
            var end = span[position..].IndexOf("\r\n"u8);
            if (end < 0)
            {
                line = string.Empty;
                return false;
            }

            line = Encoding.ASCII.GetString(span.Slice(position, end));
            position += end + 2;
            return true;
        }
    }
}
