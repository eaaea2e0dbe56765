using LatchGateway.Admin;
using LatchGateway.Contracts;
using LatchGateway.Diagnostics;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LatchGateway.Store.Redis;

/// <summary>
/// The process's one connection multiplexer, set up to fail closed fast: commands are never queued while
/// disconnected (<see cref="BacklogPolicy.FailFast"/>), time out within a second, and the connection keeps
/// retrying in the background so the gateway recovers without a restart. Every Redis operation of the gateway
/// (codes, lockouts, audit) runs through <see cref="RunAsync"/>: the one place where Redis failures become
/// <see cref="LatchStoreUnavailableException"/> and where the store's reachability is reported.
/// </summary>
internal sealed class RedisConnection : IHostedService, IAsyncDisposable
{
    /// <summary>Upper bound for one command, so a stalled Redis turns into a refusal well within 2 s.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(1);

    /// <summary>How often start-up asks again while Redis has never been reached, to log each new reason.</summary>
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    private readonly ConfigurationOptions _configuration;
    private readonly Lazy<Task<ConnectionMultiplexer>> _multiplexer;
    private readonly LatchMetrics _metrics;
    private readonly ILogger _logger;
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private Task _probe = Task.CompletedTask;
    private string? _lastFailure;

    public RedisConnection(
        IOptions<LatchStoreOptions> options,
        IConfiguration configuration,
        LatchMetrics metrics,
        ILogger<RedisConnection>? logger = null,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _metrics = metrics;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        // Reading the options validates them: a missing connection string or hash key is reported with every
        // other store setting error, naming the keys.
        var store = options.Value;
        _connectionString = configuration.GetConnectionString("Redis")
            ?? throw new InvalidOperationException("ConnectionStrings:Redis is required with Latch:Store:Provider=Redis.");
        _configuration = CreateConfiguration(_connectionString, store.Redis);
        _multiplexer = new Lazy<Task<ConnectionMultiplexer>>(ConnectAsync);
    }

    internal static ConfigurationOptions CreateConfiguration(string connectionString, LatchRedisTlsOptions? tls = null)
    {
        var configuration = ConfigurationOptions.Parse(connectionString);
        RedisTls.Apply(configuration, tls ?? new LatchRedisTlsOptions());
        var timeout = (int)CommandTimeout.TotalMilliseconds;
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.AsyncTimeout = Math.Min(configuration.AsyncTimeout, timeout);
        configuration.SyncTimeout = Math.Min(configuration.SyncTimeout, timeout);
        configuration.ConnectTimeout = Math.Min(configuration.ConnectTimeout, 2 * timeout);

        // Timeouts are enforced on the heartbeat: a quicker beat keeps a stalled command's refusal near 1 s.
        configuration.HeartbeatInterval = TimeSpan.FromMilliseconds(Math.Min(configuration.HeartbeatInterval.TotalMilliseconds, 250));
        return configuration;
    }

    /// <summary>
    /// Runs one operation on the database. A Redis failure or time-out (StackExchange.Redis throws
    /// <see cref="TimeoutException"/>s that are not <see cref="RedisException"/>s) is thrown as
    /// <see cref="LatchStoreUnavailableException"/>; either way the outcome sets <c>latch.store.available</c>.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            var multiplexer = await _multiplexer.Value.ConfigureAwait(false);
            var result = await operation(multiplexer.GetDatabase()).ConfigureAwait(false);
            _metrics.StoreReachable(true);
            return result;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            _metrics.StoreReachable(false);
            // The message names the cause (refused, timed out, authentication) for the logs, never the password.
            throw new LatchStoreUnavailableException(
                $"Redis could not complete the operation: {RedisSecrets.Mask(exception.Message, _connectionString)}", exception);
        }
    }

    // Connect at start-up rather than on the first request; an unreachable Redis does not stop the start.
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var multiplexer = await _multiplexer.Value.ConfigureAwait(false);
            // Ask, to learn why (refused, TLS, authentication): the answer is the reason logged. The multiplexer keeps
            // retrying and readiness reports the store unavailable meanwhile; until the first connection the probe asks
            // again, as a later attempt can fail for another reason (a refused password after a first attempt that
            // timed out on a busy machine).
            if (!multiplexer.IsConnected && !await AskAsync(multiplexer).ConfigureAwait(false))
            {
                _probe = ProbeUntilConnectedAsync(multiplexer, _stopping.Token);
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            Failed(exception.Message);
        }
    }

    private async Task ProbeUntilConnectedAsync(ConnectionMultiplexer multiplexer, CancellationToken stopping)
    {
        try
        {
            do
            {
                await Task.Delay(ProbeInterval, _time, stopping).ConfigureAwait(false);
            }
            while (!multiplexer.IsConnected && !await AskAsync(multiplexer).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>A ping; false, with the reason logged, when it fails.</summary>
    private async Task<bool> AskAsync(ConnectionMultiplexer multiplexer)
    {
        try
        {
            await multiplexer.GetDatabase().PingAsync().ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            Failed(exception.Message);
            return false;
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(_configuration).ConfigureAwait(false);
        multiplexer.ConnectionFailed += (_, failure) =>
            Failed($"{failure.FailureType} on {failure.EndPoint}: {failure.Exception?.Message}");
        multiplexer.ConnectionRestored += (_, restored) =>
        {
            if (Interlocked.Exchange(ref _lastFailure, null) is not null)
            {
                RedisLog.RedisConnectionRestored(_logger, restored.EndPoint?.ToString());
            }
        };
        return multiplexer;
    }

    // Once per kind of failure, not once per reconnection attempt; never with the connection string's password.
    private void Failed(string reason)
    {
        var masked = RedisSecrets.Mask(reason, _connectionString);
        var kind = KindOf(masked);
        if (Interlocked.Exchange(ref _lastFailure, kind) != kind)
        {
            RedisLog.RedisConnectionFailed(_logger, masked);
        }
    }

    /// <summary>
    /// A failure's first clause, after StackExchange.Redis's "No connection is active/available …; " preamble:
    /// "UnableToConnect", "SimpleError" (a refused password), "AuthenticationFailure on 10.0.0.5".
    /// </summary>
    internal static string KindOf(string reason)
    {
        const string NoConnection = "No connection is active/available";
        var cause = reason.IndexOf("; ", StringComparison.Ordinal);
        if (reason.StartsWith(NoConnection, StringComparison.Ordinal) && cause > 0)
        {
            reason = reason[(cause + 2)..];
        }

        var end = reason.AsSpan().IndexOfAny(':', ',', '(');
        return (end < 0 ? reason : reason[..end]).Trim();
    }

    public Task StopAsync(CancellationToken cancellationToken) => StopProbeAsync();

    // Disposed more than once (as the hosted service and as the store's connection), so the token source, which has
    // no timer to release, is cancelled (again, harmlessly) and never disposed.
    private async Task StopProbeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _probe.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopProbeAsync().ConfigureAwait(false);
        if (_multiplexer.IsValueCreated && _multiplexer.Value.IsCompletedSuccessfully)
        {
            await _multiplexer.Value.Result.DisposeAsync().ConfigureAwait(false);
        }
    }
}
