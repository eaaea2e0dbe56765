using LatchGateway.Codes;

namespace LatchGateway.Store;

/// <summary>
/// One shard of the embedded store's index of codes by id: an open-addressed table (linear probing) of the same
/// records <see cref="CodeTable"/> holds, 8 bytes a slot. Ids of the gateway's form are compared packed, without
/// making their strings. Every call runs under the shard's lock.
/// </summary>
internal sealed class CodeIdIndex
{
    private const int MinCapacity = 16;

    private static readonly LatchCodeRecord Removed = new("removed", default, "", null, null, default, default, "", null);

    private readonly Lock _lock = new();
    private LatchCodeRecord?[] _slots = new LatchCodeRecord?[MinCapacity];
    private int _count;
    private int _used;

    /// <summary>The shard of the store's index that holds <paramref name="key"/>.</summary>
    public static int ShardOf(in Key key) => key.Hash & (CodeTable.ShardCount - 1);

    /// <summary>Adds a record; false when one with its id is here already.</summary>
    public bool TryAdd(LatchCodeRecord record)
    {
        var key = Key.Of(record);
        lock (_lock)
        {
            if (Find(key) >= 0)
            {
                return false;
            }

            if ((_used + 1) * 4 > _slots.Length * 3)
            {
                Resize();
            }

            var slot = Home(key.Hash, _slots.Length);
            while (_slots[slot] is { } taken && !ReferenceEquals(taken, Removed))
            {
                slot = (slot + 1) & (_slots.Length - 1);
            }

            if (_slots[slot] is null)
            {
                _used++;
            }

            _slots[slot] = record;
            _count++;
            return true;
        }
    }

    /// <summary>The record with this id, or null.</summary>
    public LatchCodeRecord? Get(in Key key)
    {
        lock (_lock)
        {
            var slot = Find(key);
            return slot < 0 ? null : _slots[slot];
        }
    }

    /// <summary>Removes this very record, if it is still here.</summary>
    public void Remove(LatchCodeRecord record)
    {
        var key = Key.Of(record);
        lock (_lock)
        {
            var slot = Find(key);
            if (slot >= 0 && ReferenceEquals(_slots[slot], record))
            {
                _slots[slot] = Removed;
                _count--;
            }

            if (_count * 8 < _slots.Length && _slots.Length > MinCapacity)
            {
                Resize();
            }
        }
    }

    private int Find(in Key key)
    {
        var mask = _slots.Length - 1;
        for (var slot = Home(key.Hash, _slots.Length); ; slot = (slot + 1) & mask)
        {
            var record = _slots[slot];
            if (record is null)
            {
                return -1;
            }

            if (!ReferenceEquals(record, Removed) && key.Matches(record))
            {
                return slot;
            }
        }
    }

    private static int Home(int hash, int capacity) =>
        (int)(((uint)hash * 0x9E3779B9u) >> (32 - int.Log2(capacity)));

    private void Resize()
    {
        var capacity = (int)Math.Max(MinCapacity, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(_count + 1) * 2));
        var slots = new LatchCodeRecord?[capacity];
        foreach (var record in _slots)
        {
            if (record is null || ReferenceEquals(record, Removed))
            {
                continue;
            }

            var slot = Home(Key.Of(record).Hash, capacity);
            while (slots[slot] is not null)
            {
                slot = (slot + 1) & (capacity - 1);
            }

            slots[slot] = record;
        }

        _slots = slots;
        _used = _count;
    }

    /// <summary>An id to look up: packed when it has the gateway's form, else its text.</summary>
    internal readonly struct Key
    {
        private readonly string _text;
        private readonly CodeId? _packed;

        private Key(string text, CodeId? packed)
        {
            _text = text;
            _packed = packed;
            Hash = packed is { } value ? value.GetHashCode() : StringComparer.Ordinal.GetHashCode(text);
        }

        public int Hash { get; }

        public static Key Of(string id) => new(id, CodeId.TryPack(id, out var packed) ? packed : null);

        public static Key Of(LatchCodeRecord record) =>
            record.TryGetPackedId(out var packed) ? new Key("", packed) : new Key(record.Id, null);

        public bool Matches(LatchCodeRecord record) => record.HasId(_text, _packed);
    }
}
