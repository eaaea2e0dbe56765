using LatchGateway.Notifications;
using LatchGateway.Store;
using LatchGateway.Store.Redis;
using LatchGateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LatchGateway.Tests.Notifications;

/// <summary>The Redis outbox of one gateway replica, on its own connection, as the gateway builds it.</summary>
internal static class OutboxRedisReplica
{
    public static RedisNotificationOutbox Create(
        string connectionString,
        string keyPrefix,
        TestTelemetry telemetry,
        TimeProvider timeProvider,
        List<RedisConnection> connections,
        string? hashKey = null,
        ILogger<RedisNotificationOutbox>? logger = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = connectionString })
            .Build();
        var options = Options.Create(new LatchStoreOptions { Provider = LatchStoreProvider.Redis, KeyPrefix = keyPrefix });
        var connection = new RedisConnection(options, configuration, telemetry.Metrics);
        connections.Add(connection);
        return new RedisNotificationOutbox(
            connection,
            options,
            new OutboxCodeProtector(Convert.FromBase64String(hashKey ?? RedisSettings.HashKey)),
            new NotificationFailures(telemetry.Audit, telemetry.Metrics, timeProvider, NullLogger<NotificationFailures>.Instance),
            telemetry.Metrics,
            timeProvider,
            logger ?? NullLogger<RedisNotificationOutbox>.Instance);
    }
}
