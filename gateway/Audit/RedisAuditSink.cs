using System.Runtime.CompilerServices;
using LatchGateway.Admin;
using LatchGateway.Admin.Audit;
using LatchGateway.Contracts;
using LatchGateway.Store;
using LatchGateway.Store.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LatchGateway.Audit;

/// <summary>
/// Audit events in one Redis stream shared by every replica (<c>{prefix}:audit</c>), kept within
/// <c>Latch:Audit:StreamMaxLength</c> (<c>XADD MAXLEN ~</c>: approximate, Redis drops whole nodes of the stream, so
/// the stream may hold up to a node more) and <c>Latch:Audit:StreamMaxAge</c> (<c>XTRIM MINID</c> after each batch:
/// exact, entries older than the newest one by more than the age are gone). Both limits are applied by whichever
/// replica writes, on Redis's clock (stream ids), so replicas' clocks need not agree. Reads page through the stream
/// by id; event times decide what matches.
/// </summary>
internal sealed class RedisAuditSink : IAuditSink
{
    private const int PageSize = 500;
    private const string Field = "e";

    // Stream ids carry Redis's clock, events the gateway's: search the id range with this much slack.
    private static readonly TimeSpan ClockSlack = TimeSpan.FromMinutes(5);

    private readonly RedisConnection _connection;
    private readonly RedisKey _key;
    private readonly long _maxLength;
    private readonly long _maxAgeMs;

    public RedisAuditSink(RedisConnection connection, IOptions<LatchStoreOptions> store, IOptions<LatchAuditOptions> audit)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(audit);
        _connection = connection;
        _key = $"{store.Value.KeyPrefix}:audit";
        _maxLength = audit.Value.StreamMaxLength;
        _maxAgeMs = (long)audit.Value.StreamMaxAge.TotalMilliseconds;
    }

    public async Task WriteAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await _connection.RunAsync(async db =>
        {
            var pipeline = db.CreateBatch();
            var writes = new Task<RedisValue>[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                writes[i] = pipeline.StreamAddAsync(_key, Field, AuditJson.Serialize(batch[i]), maxLength: _maxLength, useApproximateMaxLength: true);
            }

            pipeline.Execute();
            await Task.WhenAll(writes).ConfigureAwait(false);
            if (_maxAgeMs > 0 && batch.Count > 0 && MinId(await writes[^1].ConfigureAwait(false)) is { } minId)
            {
                await db.StreamTrimByMinIdAsync(_key, minId).ConfigureAwait(false);
            }

            return true;
        }).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<AuditRecord> QueryAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var remaining = query.Limit;
        RedisValue floor = query.Since is { } since ? $"{(since - ClockSlack).ToUnixTimeMilliseconds()}-0" : "-";
        RedisValue ceiling = "+";
        while (remaining > 0)
        {
            var page = await RangeAsync(floor, ceiling, Order.Descending).ConfigureAwait(false);
            foreach (var entry in page)
            {
                if (Parse(entry) is { } audit && audit.Matches(query))
                {
                    yield return audit;
                    if (--remaining == 0)
                    {
                        yield break;
                    }
                }
            }

            if (page.Length < PageSize)
            {
                yield break;
            }

            ceiling = "(" + page[^1].Id;
        }
    }

    public async IAsyncEnumerable<AuditRecord> ExportAsync(
        DateTimeOffset? since, DateTimeOffset? until, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RedisValue floor = since is { } from ? $"{(from - ClockSlack).ToUnixTimeMilliseconds()}-0" : "-";
        RedisValue ceiling = until is { } to ? $"{(to + ClockSlack).ToUnixTimeMilliseconds()}-0" : "+";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await RangeAsync(floor, ceiling, Order.Ascending).ConfigureAwait(false);
            foreach (var entry in page)
            {
                if (Parse(entry) is { } audit && (since is null || audit.Time >= since) && (until is null || audit.Time < until))
                {
                    yield return audit;
                }
            }

            if (page.Length < PageSize)
            {
                yield break;
            }

            floor = "(" + page[^1].Id;
        }
    }

    /// <summary>The oldest id kept: <see cref="LatchAuditOptions.StreamMaxAge"/> before <paramref name="newest"/> (an id <c>ms-seq</c>).</summary>
    private RedisValue? MinId(RedisValue newest)
    {
        var id = newest.ToString();
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return long.TryParse(dash < 0 ? id : id[..dash], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            && ms > _maxAgeMs
            ? $"{ms - _maxAgeMs}-0"
            : null;
    }

    private Task<StreamEntry[]> RangeAsync(RedisValue floor, RedisValue ceiling, Order order) =>
        _connection.RunAsync(db => db.StreamRangeAsync(_key, floor, ceiling, PageSize, order));

    private static AuditRecord? Parse(StreamEntry entry)
    {
        var value = entry[Field];
        return value.IsNullOrEmpty ? null : AuditJson.TryParse((byte[])value!);
    }
}
