namespace LatchGateway.Store.Redis;

/// <summary>Log events of the Redis connection. The connection string's password never reaches them.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(200, LogLevel.Warning, "Redis is unreachable; the gateway refuses latched requests and reports not ready until it is: {Reason}")]
    public static partial void RedisConnectionFailed(ILogger logger, string reason);

    [LoggerMessage(201, LogLevel.Information, "Redis is reachable again at {EndPoint}.")]
    public static partial void RedisConnectionRestored(ILogger logger, string? endPoint);
}
