using System.Diagnostics.Metrics;
using LatchGateway.Audit;
using LatchGateway.Contracts;
using LatchGateway.Diagnostics;
using LatchGateway.Tests.Hosting;
using LatchGateway.Notifications;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>Real metrics and a real audit trail (file sink in a temporary folder) for unit tests.</summary>
internal sealed class TestTelemetry : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly string _folder = Directory.CreateTempSubdirectory("latch-audit-").FullName;

    public TestTelemetry(TimeProvider timeProvider, IMeterFactory? meterFactory = null)
    {
        Metrics = new LatchMetrics(meterFactory ?? _services.GetRequiredService<IMeterFactory>());
        var options = Options.Create(new LatchAuditOptions { Path = Path.Combine(_folder, "audit.jsonl") });
        Sink = new FileAuditSink(options, new HostingEnvironment { ContentRootPath = _folder });
        Audit = new AuditTrail(options, Sink, Metrics, timeProvider);
        Outbox = new InMemoryNotificationOutbox();
        Notifications = new NotificationPublisher(
            Outbox,
            new NotificationSignal(),
            new NotificationFailures(Audit, Metrics, timeProvider, NullLogger<NotificationFailures>.Instance),
            new TestSettings<LatchNotificationOptions>(new LatchNotificationOptions()),
            timeProvider);
    }

    public LatchMetrics Metrics { get; }

    public FileAuditSink Sink { get; }

    public AuditTrail Audit { get; }

    /// <summary>A publisher with no rules (so it stores nothing) over a memory outbox.</summary>
    public NotificationPublisher Notifications { get; }

    public InMemoryNotificationOutbox Outbox { get; }

    /// <summary>Everything recorded so far and not yet written, as events.</summary>
    public List<AuditRecord> Queued()
    {
        var events = new List<AuditRecord>();
        while (Audit.TryTake(out var entry))
        {
            events.Add(entry.ToRecord());
        }

        return events;
    }

    public void Dispose()
    {
        Sink.Dispose();
        _services.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
