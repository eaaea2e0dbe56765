using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace LatchGateway.Hosting;

/// <summary>
/// The Kestrel named endpoints. Each connection is tagged with the endpoint that accepted it, so routing can
/// decide by the listening socket and never by the <c>Host</c> header.
/// </summary>
internal static class Listeners
{
    public const string Proxy = "Proxy";
    public const string Admin = "Admin";

    /// <summary>Development only: the built-in echo backend behind the demo route.</summary>
    public const string DemoBackend = "DemoBackend";

    private const string ItemKey = "LatchGateway.Listener";

    /// <summary>Connection middleware that records which listener accepted the connection.</summary>
    public static void Tag(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listenOptions, string listener) =>
        listenOptions.Use(next => connection =>
        {
            connection.Items[ItemKey] = listener;
            return next(connection);
        });

    /// <summary>The listener that accepted this request's connection, or null when none was tagged.</summary>
    public static string? Of(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ItemKey, out var listener) == true
            ? listener as string
            : null;
}

/// <summary>Endpoint metadata: the listener an endpoint is served on.</summary>
internal sealed record ListenerMetadata(string Listener);
