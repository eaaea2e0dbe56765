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
/// Audit events in one Redis stream shared by every replica (<c>{prefix}:audit</c>), bounded by
/// <c>XADD MAXLEN ~</c>. Reads page through the stream by id; event times decide what matches.
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

    public RedisAuditSink(RedisConnection connection, IOptions<LatchStoreOptions> store, IOptions<LatchAuditOptions> audit)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(audit);
        _connection = connection;
        _key = $"{store.Value.KeyPrefix}:audit";
        _maxLength = audit.Value.StreamMaxLength;
    }

    public async Task WriteAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await _connection.RunAsync(async db =>
        {
            var pipeline = db.CreateBatch();
            var writes = new Task[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                writes[i] = pipeline.StreamAddAsync(_key, Field, AuditJson.Serialize(batch[i]), maxLength: _maxLength, useApproximateMaxLength: true);
            }

            pipeline.Execute();
            await Task.WhenAll(writes).ConfigureAwait(false);
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

    private Task<StreamEntry[]> RangeAsync(RedisValue floor, RedisValue ceiling, Order order) =>
        _connection.RunAsync(db => db.StreamRangeAsync(_key, floor, ceiling, PageSize, order));

    private static AuditRecord? Parse(StreamEntry entry)
    {
        var value = entry[Field];
        return value.IsNullOrEmpty ? null : AuditJson.TryParse((byte[])value!);
    }
}
