using LatchGateway.Contracts;

namespace LatchGateway.Store;

/// <summary>
/// What a background loop (outbox dispatch, sweeps, the audit writer) says about the store it keeps retrying: one
/// warning when the store becomes unreachable, with the failure's message on one line and no stack trace, and one
/// line when it is reachable again — not one stack trace per attempt while Redis is down. The loop goes on retrying
/// as before; the connection's own lines (events 200/201) say the same for the gateway as a whole.
/// </summary>
internal sealed class StoreOutage(string loop)
{
    private int _down;

    /// <summary>An attempt failed because the store could not be reached: logged only if it was reachable until now.</summary>
    public void Failed(ILogger logger, LatchStoreUnavailableException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            Diagnostics.Log.LoopStoreUnreachable(logger, loop, Reason(exception));
        }
    }

    /// <summary>An attempt reached the store: logged only if the last one could not.</summary>
    public void Succeeded(ILogger logger)
    {
        if (Volatile.Read(ref _down) == 1 && Interlocked.Exchange(ref _down, 0) == 1)
        {
            Diagnostics.Log.LoopStoreReachable(logger, loop);
        }
    }

    // The store's exception names the cause in its message (the Redis connection masks the password there); one line.
    private static string Reason(LatchStoreUnavailableException exception) =>
        exception.Message.ReplaceLineEndings(" ");
}
