using System.Collections.Concurrent;
using LatchGateway.Codes;
using LatchGateway.Store;

namespace LatchGateway.Sessions;

/// <summary>
/// Sessions of one process, indexed by token digest and by id. A session's last use is kept beside it and noted
/// on every request (a memory write, no more); ending is a compare-and-swap, so exactly one caller reports it.
/// <see cref="Sweep"/> drops sessions that ended unseen.
/// </summary>
internal sealed class InMemorySessionStore(TimeProvider timeProvider) : ISessionStore, ISweepable
{
    private readonly ConcurrentDictionary<CodeDigest, Entry> _byToken = new();
    private readonly ConcurrentDictionary<string, Entry> _byId = new(StringComparer.Ordinal);

    public int Count => _byId.Count;

    public string SweptItems => "unlock sessions";

    public ValueTask<bool> TryAddAsync(LatchSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var entry = new Entry(session);
        if (!_byToken.TryAdd(session.TokenDigest, entry))
        {
            return ValueTask.FromResult(false);
        }

        if (!_byId.TryAdd(session.Id, entry))
        {
            _byToken.TryRemove(new KeyValuePair<CodeDigest, Entry>(session.TokenDigest, entry));
            return ValueTask.FromResult(false);
        }

        return ValueTask.FromResult(true);
    }

    public ValueTask<SessionLookup> UseAsync(CodeDigest tokenDigest, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!_byToken.TryGetValue(tokenDigest, out var entry))
        {
            return ValueTask.FromResult(SessionLookup.Unknown);
        }

        var state = entry.Use(now);
        if (state is SessionState.Expired or SessionState.Idle)
        {
            Remove(entry);
        }

        return ValueTask.FromResult(new SessionLookup(state, state == SessionState.Unknown ? null : entry.Session));
    }

    public ValueTask<IReadOnlyList<LatchSession>> ListAsync(string? route, string? user, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var open = new List<LatchSession>();
        foreach (var (_, entry) in _byId)
        {
            var session = entry.Session;
            if (entry.IsOpenAt(now)
                && (route is null || string.Equals(session.Route, route, StringComparison.Ordinal))
                && (user is null || string.Equals(session.User, user, StringComparison.Ordinal)))
            {
                open.Add(session);
            }
        }

        open.Sort(static (x, y) => y.OpenedAt.CompareTo(x.OpenedAt));
        return ValueTask.FromResult<IReadOnlyList<LatchSession>>(open);
    }

    public ValueTask<LatchSession?> EndAsync(string id, CancellationToken cancellationToken)
    {
        if (!_byId.TryGetValue(id, out var entry) || !entry.IsOpenAt(timeProvider.GetUtcNow()) || !entry.TryEnd())
        {
            return ValueTask.FromResult<LatchSession?>(null);
        }

        Remove(entry);
        return ValueTask.FromResult<LatchSession?>(entry.Session);
    }

    public ValueTask<bool> DiscardAsync(LatchSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!_byToken.TryGetValue(session.TokenDigest, out var entry) || entry.Session != session || !entry.TryEnd())
        {
            return ValueTask.FromResult(false);
        }

        Remove(entry);
        return ValueTask.FromResult(true);
    }

    public ValueTask<IReadOnlyList<LatchSession>> EndOpenedByAsync(string codeId, CancellationToken cancellationToken)
    {
        var ended = new List<LatchSession>();
        foreach (var (_, entry) in _byId)
        {
            if (entry.Session.IsOpenedBy(codeId) && entry.TryEnd())
            {
                Remove(entry);
                ended.Add(entry.Session);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<LatchSession>>(ended);
    }

    /// <summary>
    /// Raised by <see cref="Sweep"/> for each session it ends (reason <c>expired</c> or <c>idle</c>), so a session
    /// that no request came back to is reported ended all the same.
    /// </summary>
    public event Action<LatchSession, string>? Swept;

    /// <summary>Drops sessions past their end time or idle, that no request came to end; returns how many.</summary>
    public int Sweep()
    {
        var now = timeProvider.GetUtcNow();
        var removed = 0;
        foreach (var (_, entry) in _byId)
        {
            if (!entry.IsOpenAt(now) && entry.TryEnd())
            {
                Remove(entry);
                removed++;
                Swept?.Invoke(entry.Session, entry.Session.IsExpiredAt(now) ? "expired" : "idle");
            }
        }

        return removed;
    }

    private void Remove(Entry entry)
    {
        _byToken.TryRemove(new KeyValuePair<CodeDigest, Entry>(entry.Session.TokenDigest, entry));
        _byId.TryRemove(new KeyValuePair<string, Entry>(entry.Session.Id, entry));
    }

    /// <summary>One session, its last use (UTC ticks) and whether it has ended.</summary>
    private sealed class Entry(LatchSession session)
    {
        private long _lastUseTicks = session.OpenedAt.UtcTicks;
        private int _ended;

        public LatchSession Session { get; } = session;

        public bool IsOpenAt(DateTimeOffset now) =>
            Volatile.Read(ref _ended) == 0 && !Session.IsExpiredAt(now) && !IsIdleAt(now);

        /// <summary>Notes a use at <paramref name="now"/>, or ends the session if it expired or went idle.</summary>
        public SessionState Use(DateTimeOffset now)
        {
            if (Volatile.Read(ref _ended) != 0)
            {
                return SessionState.Unknown;
            }

            if (Session.IsExpiredAt(now) || IsIdleAt(now))
            {
                return !TryEnd() ? SessionState.Unknown : Session.IsExpiredAt(now) ? SessionState.Expired : SessionState.Idle;
            }

            // Last use only moves forward: concurrent requests may note theirs out of order.
            var ticks = now.UtcTicks;
            var seen = Volatile.Read(ref _lastUseTicks);
            while (seen < ticks)
            {
                var previous = Interlocked.CompareExchange(ref _lastUseTicks, ticks, seen);
                if (previous == seen)
                {
                    break;
                }

                seen = previous;
            }

            return SessionState.Open;
        }

        /// <summary>Ends the session; true for the one caller that did.</summary>
        public bool TryEnd() => Interlocked.Exchange(ref _ended, 1) == 0;

        private bool IsIdleAt(DateTimeOffset now) =>
            Session.IdleTimeout is { } idle && now.UtcTicks - Volatile.Read(ref _lastUseTicks) >= idle.Ticks;
    }
}
