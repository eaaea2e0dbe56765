using LatchGateway.Contracts;

namespace LatchGateway.Store;

/// <summary>
/// What every store lists for <c>GET /admin/codes</c>: live, unexpired codes of the route and user asked for, newest
/// first (ties by id), one page after the query's cursor.
/// </summary>
internal static class CodeListing
{
    public static bool Includes(LatchCodeRecord record, CodeState state, string? route, string? user, DateTimeOffset now) =>
        state == CodeState.Live
        && !record.IsExpiredAt(now)
        && (route is null || string.Equals(record.Route, route, StringComparison.Ordinal))
        && (user is null || string.Equals(record.User, user, StringComparison.Ordinal));

    /// <summary>
    /// The page of <paramref name="live"/> (codes that <see cref="Includes"/> admits, in any order) that
    /// <paramref name="query"/> asks for; null when its cursor is not one a page gave.
    /// </summary>
    public static CodePage? Page(List<LatchCodeRecord> live, LatchCodeQuery query)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        if (query.Cursor is not null)
        {
            if (!CodeCursor.TryParse(query.Cursor, out var cursor))
            {
                return null;
            }

            live.RemoveAll(record => !cursor.Precedes(record));
        }

        live.Sort(NewestFirst);
        if (live.Count <= query.Limit)
        {
            return new CodePage(live, null);
        }

        var page = live.GetRange(0, query.Limit);
        return new CodePage(page, CodeCursor.After(page[^1]).Format());
    }

    private static int NewestFirst(LatchCodeRecord x, LatchCodeRecord y)
    {
        var byTime = y.IssuedAt.CompareTo(x.IssuedAt);
        return byTime != 0 ? byTime : y.CompareIdTo(x);
    }
}
