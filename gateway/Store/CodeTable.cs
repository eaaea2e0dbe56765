using LatchGateway.Codes;

namespace LatchGateway.Store;

/// <summary>
/// One shard of the embedded store's codes, found by digest: an open-addressed table (linear probing) of records,
/// with a tag beside each: the code's state and 27 bits of its digest's hash, so that a probe reads the tags in a
/// row and follows a record only when its bits match. A code costs its slot, 12 bytes at a load of a quarter to
/// three quarters, where a dictionary node would take 70. Every call runs under the shard's lock: the sections are a few probes long,
/// and with <see cref="ShardCount"/> shards two calls rarely meet.
/// </summary>
internal sealed class CodeTable
{
    /// <summary>How many shards a store spreads its codes over (by digest), so that a resize stalls few calls.</summary>
    public const int ShardCount = 32;

    private const int MinCapacity = 16;
    private const uint StateMask = 3;
    private const uint RevocationAsked = 4;
    private const int TagShift = 3;

    // Marks a slot whose code was removed, so that probes for the codes after it go on.
    private static readonly LatchCodeRecord Removed = new("removed", default, "", null, null, default, default, "", null);

    private readonly Lock _lock = new();
    private LatchCodeRecord?[] _slots = new LatchCodeRecord?[MinCapacity];
    private uint[] _tags = new uint[MinCapacity]; // hash bits << TagShift | revocation asked | state
    private int _count;
    private int _used; // live slots and removed marks: what stops a probe

    /// <summary>The shard of the store that holds the code with this digest.</summary>
    public static int ShardOf(in CodeDigest digest) => digest.GetHashCode() & (ShardCount - 1);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Adds a live code; false when a code with its digest is here already.</summary>
    public bool TryAdd(LatchCodeRecord record)
    {
        var digest = record.Digest;
        lock (_lock)
        {
            if (Find(digest) >= 0)
            {
                return false;
            }

            if ((_used + 1) * 4 > _slots.Length * 3)
            {
                Resize();
            }

            var slot = Home(digest, _slots.Length);
            while (_slots[slot] is { } taken && !ReferenceEquals(taken, Removed))
            {
                slot = (slot + 1) & (_slots.Length - 1);
            }

            if (_slots[slot] is null)
            {
                _used++;
            }

            _slots[slot] = record;
            _tags[slot] = HashBits(digest) | (uint)CodeState.Live;
            _count++;
            return true;
        }
    }

    /// <summary>Removes this very record, if it is still here.</summary>
    public void Remove(LatchCodeRecord record)
    {
        lock (_lock)
        {
            var slot = Find(record.Digest);
            if (slot >= 0 && ReferenceEquals(_slots[slot], record))
            {
                RemoveAt(slot);
            }
        }
    }

    /// <summary>Moves the code out of <see cref="CodeState.Live"/> to consumed; reports the state it was in.</summary>
    public ConsumeResult Consume(in CodeDigest digest)
    {
        lock (_lock)
        {
            var slot = Find(digest);
            if (slot < 0)
            {
                return ConsumeResult.NotFound;
            }

            var prior = (CodeState)(_tags[slot] & StateMask);
            if (prior == CodeState.Live)
            {
                _tags[slot] = (_tags[slot] & ~StateMask) | (uint)CodeState.Consumed;
            }

            return new ConsumeResult(_slots[slot], prior);
        }
    }

    /// <summary>Moves a consumed code back to live, or to revoked when its revocation was asked meanwhile.</summary>
    public void Restore(in CodeDigest digest)
    {
        lock (_lock)
        {
            var slot = Find(digest);
            if (slot >= 0 && (CodeState)(_tags[slot] & StateMask) == CodeState.Consumed)
            {
                var asked = (_tags[slot] & RevocationAsked) != 0;
                _tags[slot] = (_tags[slot] & ~StateMask) | (uint)(asked ? CodeState.Revoked : CodeState.Live);
            }
        }
    }

    /// <summary>
    /// Revokes this code if it is live; true when this call did. The request is noted whatever the state, so a code
    /// consumed at this moment and then restored comes back revoked.
    /// </summary>
    public bool TryRevoke(LatchCodeRecord record)
    {
        lock (_lock)
        {
            var slot = Find(record.Digest);
            if (slot < 0 || !ReferenceEquals(_slots[slot], record))
            {
                return false;
            }

            var live = (CodeState)(_tags[slot] & StateMask) == CodeState.Live;
            _tags[slot] |= RevocationAsked;
            if (live)
            {
                _tags[slot] = (_tags[slot] & ~StateMask) | (uint)CodeState.Revoked;
            }

            return live;
        }
    }

    /// <summary>The state of this very record, or null when it is no longer here.</summary>
    public CodeState? StateOf(LatchCodeRecord record)
    {
        lock (_lock)
        {
            var slot = Find(record.Digest);
            return slot >= 0 && ReferenceEquals(_slots[slot], record) ? (CodeState)(_tags[slot] & StateMask) : null;
        }
    }

    /// <summary>Adds to <paramref name="into"/> the codes that <see cref="CodeListing.Includes"/> admits.</summary>
    public void CollectListed(List<LatchCodeRecord> into, string? route, string? user, DateTimeOffset now)
    {
        lock (_lock)
        {
            for (var slot = 0; slot < _slots.Length; slot++)
            {
                if (_slots[slot] is { } record && !ReferenceEquals(record, Removed)
                    && CodeListing.Includes(record, (CodeState)(_tags[slot] & StateMask), route, user, now))
                {
                    into.Add(record);
                }
            }
        }
    }

    /// <summary>Removes every code expired at <paramref name="now"/>, adding each to <paramref name="removed"/>.</summary>
    public void RemoveExpired(DateTimeOffset now, List<LatchCodeRecord> removed)
    {
        lock (_lock)
        {
            for (var slot = 0; slot < _slots.Length; slot++)
            {
                if (_slots[slot] is { } record && !ReferenceEquals(record, Removed) && record.IsExpiredAt(now))
                {
                    RemoveAt(slot);
                    removed.Add(record);
                }
            }

            // A table that emptied gives its memory back.
            if (_count * 8 < _slots.Length && _slots.Length > MinCapacity)
            {
                Resize();
            }
        }
    }

    private int Find(in CodeDigest digest)
    {
        var mask = _slots.Length - 1;
        var bits = HashBits(digest);
        for (var slot = Home(digest, _slots.Length); ; slot = (slot + 1) & mask)
        {
            var tag = _tags[slot];
            if ((tag & ~(StateMask | RevocationAsked)) == bits && _slots[slot] is { } record && record.Digest == digest)
            {
                return slot;
            }

            if (tag == 0 && _slots[slot] is null)
            {
                return -1;
            }
        }
    }

    private void RemoveAt(int slot)
    {
        _slots[slot] = Removed;
        _tags[slot] = 0;
        _count--;
    }

    // Fibonacci hashing: the top bits of the product, which every bit of the digest's hash sets (its low bits name
    // the shard, so they are the same for every code here).
    // The hash's bits above the shard's, shifted past the state; never 0, so that a live slot's tag is never 0.
    private static uint HashBits(in CodeDigest digest) => (((uint)digest.GetHashCode() >> 5) | 1u << 26) << TagShift;

    private static int Home(in CodeDigest digest, int capacity) =>
        (int)(((uint)digest.GetHashCode() * 0x9E3779B9u) >> (32 - int.Log2(capacity)));

    /// <summary>A table twice as large as the live codes need (so a half full), without removed marks.</summary>
    private void Resize()
    {
        var capacity = (int)Math.Max(MinCapacity, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(_count + 1) * 2));
        var slots = new LatchCodeRecord?[capacity];
        var tags = new uint[capacity];
        for (var old = 0; old < _slots.Length; old++)
        {
            if (_slots[old] is not { } record || ReferenceEquals(record, Removed))
            {
                continue;
            }

            var slot = Home(record.Digest, capacity);
            while (slots[slot] is not null)
            {
                slot = (slot + 1) & (capacity - 1);
            }

            slots[slot] = record;
            tags[slot] = _tags[old];
        }

        _slots = slots;
        _tags = tags;
        _used = _count;
    }
}
