using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace LatchGateway.Diagnostics;

/// <summary>Registers OpenTelemetry: metrics for the Prometheus endpoint, traces for the audit trail and OTLP.</summary>
public static class LatchTelemetryServiceCollectionExtensions
{
    /// <summary>The standard OpenTelemetry setting that turns on OTLP export of traces, metrics and logs.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Metrics for Prometheus; traces always (so every request has a W3C trace id for the audit trail, an
    /// incoming <c>traceparent</c> honoured), recorded and exported over OTLP only when an endpoint is set.
    /// </summary>
    public static IServiceCollection AddLatchTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);
        var telemetry = services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(LatchMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime")
                .AddPrometheusExporter())
            .WithTracing(tracing =>
            {
                // Listening to ASP.NET Core gives every request an activity, hence a W3C trace id for the audit trail.
                // The gateway's own activities cost an allocation per validation: created only when exported.
                tracing.AddSource("Microsoft.AspNetCore")
                    .SetSampler(otlp ? new ParentBasedSampler(new AlwaysOnSampler()) : new AlwaysOffSampler());
                if (otlp)
                {
                    tracing.AddSource(LatchTracing.SourceName, "System.Net.Http");
                }
            });
        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }
}
