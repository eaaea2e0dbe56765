using Yarp.ReverseProxy.Transforms.Builder;

namespace LatchGateway.Transforms;

/// <summary>
/// Handles the <c>{ "Latch": "Required" }</c> transform entry of a route. Any other value is a configuration
/// error naming the route, reported when YARP loads (or reloads) its configuration.
/// </summary>
internal sealed class LatchTransformFactory : ITransformFactory
{
    public const string Key = "Latch";

    public const string RequiredValue = "Required";

    public bool Validate(TransformRouteValidationContext context, IReadOnlyDictionary<string, string> transformValues)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(transformValues);
        if (!transformValues.TryGetValue(Key, out var value))
        {
            return false;
        }

        if (transformValues.Count != 1)
        {
            context.Errors.Add(new ArgumentException(
                $"Route '{context.Route.RouteId}': the Latch transform entry takes no other keys (found: {string.Join(", ", transformValues.Keys)})."));
        }
        else if (!IsRequired(value))
        {
            context.Errors.Add(new ArgumentException(
                $"Route '{context.Route.RouteId}': unknown Latch value '{value}'; the only value is '{RequiredValue}'."));
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

        if (transformValues.Count != 1 || !IsRequired(value))
        {
            throw new ArgumentException($"Route '{context.Route.RouteId}': invalid Latch transform.");
        }

        context.RequestTransforms.Add(ActivatorUtilities.CreateInstance<LatchTransform>(context.Services, context.Route.RouteId));
        return true;
    }

    /// <summary>Whether a route's transforms latch it.</summary>
    public static bool IsLatched(IReadOnlyList<IReadOnlyDictionary<string, string>>? transforms)
    {
        if (transforms is null)
        {
            return false;
        }

        foreach (var transform in transforms)
        {
            if (transform.ContainsKey(Key))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsRequired(string value) => string.Equals(value, RequiredValue, StringComparison.OrdinalIgnoreCase);
}
