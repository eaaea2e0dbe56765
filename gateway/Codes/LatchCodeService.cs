using System.Net;
using System.Net.Sockets;
using LatchGateway.Admin;
using LatchGateway.Audit;
using LatchGateway.Contracts;
using LatchGateway.Diagnostics;
using LatchGateway.Sessions;
using LatchGateway.Store;
using LatchGateway.Configuration;

namespace LatchGateway.Codes;

/// <summary>
/// Issues, reads and revokes codes for the admin API, on top of the store. Revoking a code also ends the sessions
/// it opened.
/// </summary>
internal sealed class LatchCodeService(
    ILatchStore store,
    CodeHasher hasher,
    LiveOptions<LatchCodeOptions> options,
    TimeProvider timeProvider,
    LatchMetrics metrics,
    AuditTrail audit,
    LatchSessionService sessions,
    ILogger<LatchCodeService> logger) : ILatchCodeService
{
    // A fresh code colliding with a live one is a 2^-50 event per live code; a few tries make it impossible.
    private const int MaxAttempts = 4;

    public TimeSpan DefaultTtl => options.Current.DefaultTtl;

    public TimeSpan MaxTtl => options.Current.MaxTtl;

    public async ValueTask<IssuedLatchCode> IssueAsync(LatchCodeIssue request, CancellationToken cancellationToken)
    {
        var (display, record) = await StoreNewAsync(request, cancellationToken).ConfigureAwait(false);
        return Announce(display, record, request.Actor);
    }

    public async ValueTask<IssuedLatchCode?> IssueUnlessAsync(
        LatchCodeIssue request, Func<CancellationToken, ValueTask<bool>> veto, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(veto);

        // The store call is sent before StoreNewAsync first awaits: the veto's own call goes out behind it.
        var stored = StoreNewAsync(request, cancellationToken);
        var vetoed = veto(cancellationToken);
        (string Display, LatchCodeRecord Record) code;
        try
        {
            code = await stored.ConfigureAwait(false);
        }
        catch
        {
            await Observe(vetoed).ConfigureAwait(false);
            throw;
        }

        bool refused;
        try
        {
            refused = await vetoed.ConfigureAwait(false);
        }
        catch
        {
            await DiscardAsync(code.Record.Id).ConfigureAwait(false);
            throw;
        }

        if (refused)
        {
            await DiscardAsync(code.Record.Id).ConfigureAwait(false);
            return null;
        }

        return Announce(code.Display, code.Record, request.Actor);
    }

    /// <summary>Awaits a call whose outcome no longer matters, so that its failure is observed, not thrown.</summary>
    private static async ValueTask Observe(ValueTask<bool> call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The store call's failure is the one reported.
        }
    }

    /// <summary>
    /// Issues a code only if <paramref name="claim"/>, called with the stored code's id, succeeds: the code is live
    /// before anyone is told of it, and one that loses its claim is revoked unannounced (it never left the gateway).
    /// Null when the claim failed.
    /// </summary>
    public async ValueTask<IssuedLatchCode?> IssueIfClaimedAsync(
        LatchCodeIssue request, Func<string, CancellationToken, ValueTask<bool>> claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var (display, record) = await StoreNewAsync(request, cancellationToken).ConfigureAwait(false);
        bool claimed;
        try
        {
            claimed = await claim(record.Id, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DiscardAsync(record.Id).ConfigureAwait(false);
            throw;
        }

        if (!claimed)
        {
            await DiscardAsync(record.Id).ConfigureAwait(false);
            return null;
        }

        return Announce(display, record, request.Actor);
    }

    private async ValueTask<(string Display, LatchCodeRecord Record)> StoreNewAsync(LatchCodeIssue request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var length = options.Current.Length;
        var code = new char[length];
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            CrockfordBase32.Fill(code);
            var now = WholeMilliseconds(timeProvider.GetUtcNow());
            var digest = hasher.Compute(code);
            var record = new LatchCodeRecord(
                CodeShard.NewId(digest),
                digest,
                request.Route,
                request.User,
                request.Network,
                now,
                now + request.Ttl,
                request.Actor.Name,
                request.Reason)
            {
                SessionLifetime = request.SessionLifetime,
            };

            if (await store.TryAddAsync(record, cancellationToken).ConfigureAwait(false))
            {
                return (CrockfordBase32.Format(code), record);
            }
        }

        throw new InvalidOperationException("Could not find an unused code; the code length is too short for the number of live codes.");
    }

    private IssuedLatchCode Announce(string display, LatchCodeRecord record, LatchActor actor)
    {
        metrics.Issued(record.Route);
        audit.Issued(record, actor);
        Log.CodeIssued(logger, record.Id, record.Route, record.IssuedBy, record.ExpiresAt);
        return new IssuedLatchCode(display, ToInfo(record));
    }

    /// <summary>Revokes a code nobody was given; if the store fails now, the code expires unused.</summary>
    private async ValueTask DiscardAsync(string id)
    {
        try
        {
            await store.RevokeAsync(id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (LatchStoreUnavailableException)
        {
            // Nobody holds the code: it expires unused.
        }
    }

    public async ValueTask<LatchCodePage?> ListAsync(LatchCodeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (await store.ListAsync(query, cancellationToken).ConfigureAwait(false) is not { } page)
        {
            return null;
        }

        var infos = new LatchCodeInfo[page.Codes.Count];
        for (var i = 0; i < infos.Length; i++)
        {
            infos[i] = ToInfo(page.Codes[i]);
        }

        return new LatchCodePage(infos, page.NextCursor);
    }

    public async ValueTask<LatchCodeInfo?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return record is null ? null : ToInfo(record);
    }

    public async ValueTask<LatchCodeRevocation> RevokeAsync(string id, LatchActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);

        // The code first, so that it opens no session once its sessions are ended.
        var record = await store.RevokeAsync(id, cancellationToken).ConfigureAwait(false);
        if (record is not null)
        {
            metrics.Revoked(record.Route);
            audit.Revoked(record, actor);
            Log.CodeRevoked(logger, record.Id, record.Route, actor.Name);
        }

        var ended = await sessions.EndOpenedByAsync(id, actor, cancellationToken).ConfigureAwait(false);
        return new LatchCodeRevocation(record is null ? null : ToInfo(record), ended);
    }

    internal static LatchCodeInfo ToInfo(LatchCodeRecord record) => new(
        record.Id,
        record.Route,
        record.User,
        FormatNetwork(record.Network),
        record.IssuedAt,
        record.ExpiresAt,
        record.IssuedBy,
        record.Reason);

    /// <summary>A single address shows as the address, a range in CIDR notation.</summary>
    internal static string? FormatNetwork(IPNetwork? network)
    {
        if (network is not { } value)
        {
            return null;
        }

        var hostBits = value.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        return value.PrefixLength == hostBits ? value.BaseAddress.ToString() : value.ToString();
    }

    // Stores keep times to the millisecond: issue with those, so every view of a code shows the same times.
    private static DateTimeOffset WholeMilliseconds(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());
}
