namespace LatchGateway.Store;

/// <summary>Awaits store calls that were all sent before any is awaited: on Redis they share one round trip.</summary>
internal static class SentTogether
{
    /// <summary>Awaits two calls already sent; when the first fails, the second is still observed, then the first's failure thrown.</summary>
    public static async ValueTask<(T1 First, T2 Second)> BothAsync<T1, T2>(ValueTask<T1> first, ValueTask<T2> second)
    {
        T1 firstResult;
        try
        {
            firstResult = await first.ConfigureAwait(false);
        }
        catch
        {
            try
            {
                await second.ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // The first call's failure is the one reported.
            }

            throw;
        }

        return (firstResult, await second.ConfigureAwait(false));
    }
}
