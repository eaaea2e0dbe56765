namespace LatchGateway.Store;

/// <summary>What every store lists for <c>GET /admin/codes</c>: live, unexpired codes of the route and user asked for, newest first.</summary>
internal static class CodeListing
{
    public static bool Includes(LatchCodeRecord record, CodeState state, string? route, string? user, DateTimeOffset now) =>
        state == CodeState.Live
        && !record.IsExpiredAt(now)
        && (route is null || string.Equals(record.Route, route, StringComparison.Ordinal))
        && (user is null || string.Equals(record.User, user, StringComparison.Ordinal));

    public static void SortNewestFirst(List<LatchCodeRecord> records) =>
        records.Sort(static (x, y) => y.IssuedAt.CompareTo(x.IssuedAt));
}
