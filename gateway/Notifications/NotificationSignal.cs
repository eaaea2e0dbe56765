namespace LatchGateway.Notifications;

/// <summary>
/// Tells this replica's dispatcher that a message was just stored, so that it is sent at once rather than at the next
/// poll. Messages stored by other replicas are found by the poll.
/// </summary>
internal sealed class NotificationSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken: one wake-up covers every message stored since the dispatcher last looked.
        }
    }

    /// <summary>Waits for a wake-up or until <paramref name="timeout"/> has passed on <paramref name="timeProvider"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            await _signal.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed.
        }
    }

    public void Dispose() => _signal.Dispose();
}
