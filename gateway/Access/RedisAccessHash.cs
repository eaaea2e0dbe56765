using System.Globalization;
using System.Net;
using LatchGateway.Contracts;
using StackExchange.Redis;

namespace LatchGateway.Access;

/// <summary>
/// An access request as the fields of its Redis hash, and back. A field that is null is absent. Times are integer
/// milliseconds since the epoch and durations integer milliseconds, both as decimal strings, so no number passes
/// through a float or <c>cjson</c>; the network is in CIDR notation.
/// </summary>
/// <remarks>
/// Fields: <c>id</c>, <c>r</c> route, <c>u</c> requester, <c>em</c> e-mail, <c>why</c> reason, <c>ip</c> network,
/// <c>ttl</c> code lifetime, <c>ss</c> session lifetime, <c>bg</c> break-glass (<c>1</c>/<c>0</c>), <c>ca</c>
/// created at, <c>s</c> state (<c>pending</c>, <c>granted</c>, <c>denied</c>, <c>expired</c>, <c>cancelled</c>,
/// <c>issued</c>), <c>ea</c> deadline, <c>n</c> approvals needed, <c>db</c> decided by, <c>dr</c> decision reason,
/// <c>en</c> ended at, <c>c</c> code id. Approvals are numbered fields, so a script appends one with a plain
/// <c>HSET</c>: <c>na</c> their count, then for the i-th (from 1) <c>ab:i</c> by, <c>at:i</c> at, <c>ar:i</c> reason.
/// </remarks>
internal static class RedisAccessHash
{
    public static RedisValue[] Write(AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fields = new List<RedisValue>(48)
        {
            "id", request.Id,
            "r", request.Route,
            "u", request.Requester,
            "ttl", Ms(request.Ttl),
            "bg", request.BreakGlass ? "1" : "0",
            "ca", Ms(request.CreatedAt),
            "s", State(request.State),
            "ea", Ms(request.ExpiresAt),
            "n", request.ApprovalsNeeded,
            "na", request.Approvals.Count,
        };
        Add(fields, "em", request.RequesterEmail);
        Add(fields, "why", request.Reason);
        Add(fields, "ip", request.Network?.ToString());
        Add(fields, "ss", request.SessionLifetime is { } session ? Ms(session) : RedisValue.Null);
        Add(fields, "db", request.DecidedBy);
        Add(fields, "dr", request.DecisionReason);
        Add(fields, "en", request.EndedAt is { } ended ? Ms(ended) : RedisValue.Null);
        Add(fields, "c", request.CodeId);
        for (var i = 0; i < request.Approvals.Count; i++)
        {
            var approval = request.Approvals[i];
            var n = (i + 1).ToString(CultureInfo.InvariantCulture);
            fields.Add($"ab:{n}");
            fields.Add(approval.By);
            fields.Add($"at:{n}");
            fields.Add(Ms(approval.At));
            Add(fields, $"ar:{n}", approval.Reason);
        }

        return [.. fields];
    }

    /// <summary>The request in <paramref name="pairs"/> (field, value, field, value, …, as <c>HGETALL</c> returns them); null when empty.</summary>
    public static AccessRequest? Read(ReadOnlySpan<RedisValue> pairs)
    {
        if (pairs.Length < 2)
        {
            return null;
        }

        var fields = new Dictionary<string, RedisValue>(pairs.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            fields[pairs[i].ToString()] = pairs[i + 1];
        }

        return Read(fields);
    }

    public static AccessRequest? Read(HashEntry[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Length == 0)
        {
            return null;
        }

        var fields = new Dictionary<string, RedisValue>(entries.Length, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            fields[entry.Name.ToString()] = entry.Value;
        }

        return Read(fields);
    }

    public static string State(AccessRequestState state) => state switch
    {
        AccessRequestState.Pending => "pending",
        AccessRequestState.Granted => "granted",
        AccessRequestState.Denied => "denied",
        AccessRequestState.Expired => "expired",
        AccessRequestState.Cancelled => "cancelled",
        AccessRequestState.Issued => "issued",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static long Ms(TimeSpan duration) => (long)duration.TotalMilliseconds;

    private static AccessRequest Read(Dictionary<string, RedisValue> fields)
    {
        var approvals = new AccessApproval[(int)fields["na"]];
        for (var i = 0; i < approvals.Length; i++)
        {
            var n = (i + 1).ToString(CultureInfo.InvariantCulture);
            approvals[i] = new AccessApproval(fields[$"ab:{n}"].ToString(), Time(fields[$"at:{n}"]), Text(fields, $"ar:{n}"));
        }

        return new AccessRequest(
            fields["id"].ToString(),
            fields["r"].ToString(),
            fields["u"].ToString(),
            Text(fields, "em"),
            Text(fields, "why"),
            Text(fields, "ip") is { } network ? IPNetwork.Parse(network) : null,
            TimeSpan.FromMilliseconds((long)fields["ttl"]),
            fields.TryGetValue("ss", out var session) ? TimeSpan.FromMilliseconds((long)session) : null,
            fields["bg"] == "1",
            Time(fields["ca"]),
            ParseState(fields["s"].ToString()),
            Time(fields["ea"]),
            approvals,
            (int)fields["n"])
        {
            DecidedBy = Text(fields, "db"),
            DecisionReason = Text(fields, "dr"),
            EndedAt = fields.TryGetValue("en", out var ended) ? Time(ended) : null,
            CodeId = Text(fields, "c"),
        };
    }

    private static AccessRequestState ParseState(string state) => state switch
    {
        "pending" => AccessRequestState.Pending,
        "granted" => AccessRequestState.Granted,
        "denied" => AccessRequestState.Denied,
        "expired" => AccessRequestState.Expired,
        "cancelled" => AccessRequestState.Cancelled,
        "issued" => AccessRequestState.Issued,
        _ => throw new FormatException($"Unknown access request state '{state}' in Redis."),
    };

    private static DateTimeOffset Time(RedisValue ms) => DateTimeOffset.FromUnixTimeMilliseconds((long)ms);

    private static string? Text(Dictionary<string, RedisValue> fields, string name) =>
        fields.TryGetValue(name, out var value) ? value.ToString() : null;

    private static void Add(List<RedisValue> fields, string name, RedisValue value)
    {
        if (!value.IsNull)
        {
            fields.Add(name);
            fields.Add(value);
        }
    }
}
