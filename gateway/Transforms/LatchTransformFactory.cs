using LatchGateway.Configuration;
using LatchGateway.Sessions;
using Yarp.ReverseProxy.Transforms.Builder;

namespace LatchGateway.Transforms;

/// <summary>
/// Handles the <c>{ "Latch": "Required" }</c> and <c>{ "Latch": "Session", "SessionLifetime": …, "SessionIdleTimeout": … }</c>
/// transform entries of a route. Any other value is a configuration
/// error naming the route, reported when YARP loads (or reloads) its configuration.
/// </summary>
internal sealed class LatchTransformFactory(LiveOptions<LatchSessionOptions> sessionOptions) : ITransformFactory
{
    public const string Key = "Latch";

    public const string RequiredValue = "Required";

    public const string SessionValue = "Session";

    public bool Validate(TransformRouteValidationContext context, IReadOnlyDictionary<string, string> transformValues)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(transformValues);
        if (!transformValues.TryGetValue(Key, out var value))
        {
            return false;
        }

        if (Read(context.Route.RouteId, value, transformValues, out _) is { } error)
        {
            context.Errors.Add(new ArgumentException(error));
        }

        return true;
    }

    public bool Build(TransformBuilderContext context, IReadOnlyDictionary<string, string> transformValues)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(transformValues);
        if (!transformValues.TryGetValue(Key, out var value))
        {
            return false;
        }

        if (Read(context.Route.RouteId, value, transformValues, out var session) is { } error)
        {
            throw new ArgumentException(error);
        }

        context.RequestTransforms.Add(session is null
            ? ActivatorUtilities.CreateInstance<LatchTransform>(context.Services, context.Route.RouteId)
            : ActivatorUtilities.CreateInstance<LatchTransform>(context.Services, context.Route.RouteId, session));
        return true;
    }

    /// <summary>Whether a route's transforms latch it.</summary>
    public static bool IsLatched(IReadOnlyList<IReadOnlyDictionary<string, string>>? transforms) => FindEntry(transforms) is not null;

    /// <summary>The session settings of a route latched in session mode; null for any other route.</summary>
    public static SessionRoute? SessionOf(string routeId, IReadOnlyList<IReadOnlyDictionary<string, string>>? transforms, LatchSessionOptions options) =>
        FindEntry(transforms) is { } entry && IsValue(entry[Key], SessionValue)
        && SessionRoute.TryRead(routeId, entry, options, out var route, out _) ? route : null;

    private static IReadOnlyDictionary<string, string>? FindEntry(IReadOnlyList<IReadOnlyDictionary<string, string>>? transforms)
    {
        if (transforms is null)
        {
            return null;
        }

        foreach (var transform in transforms)
        {
            if (transform.ContainsKey(Key))
            {
                return transform;
            }
        }

        return null;
    }

    /// <summary>Reads a Latch entry; the error naming the route when it is not valid.</summary>
    private string? Read(string routeId, string value, IReadOnlyDictionary<string, string> values, out SessionRoute? session)
    {
        session = null;
        if (IsValue(value, RequiredValue))
        {
            return values.Count == 1
                ? null
                : $"Route '{routeId}': a '{RequiredValue}' Latch transform entry takes no other keys (found: {string.Join(", ", values.Keys)}).";
        }

        if (!IsValue(value, SessionValue))
        {
            return $"Route '{routeId}': unknown Latch value '{value}'; the values are '{RequiredValue}' and '{SessionValue}'.";
        }

        foreach (var key in values.Keys)
        {
            if (!IsValue(key, Key) && !IsValue(key, SessionRoute.LifetimeKey) && !IsValue(key, SessionRoute.IdleTimeoutKey))
            {
                return $"Route '{routeId}': a '{SessionValue}' Latch transform entry takes only {SessionRoute.LifetimeKey} and {SessionRoute.IdleTimeoutKey} (found: {key}).";
            }
        }

        return SessionRoute.TryRead(routeId, values, sessionOptions.Current, out session, out var error) ? null : error;
    }

    private static bool IsValue(string value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);
}
