using Yarp.ReverseProxy.Transforms.Builder;

namespace LatchGateway.Diagnostics;

/// <summary>Adds <see cref="TraceParentTransform"/> to every route; registered only when traces are not exported.</summary>
internal sealed class TraceParentTransformProvider : ITransformProvider
{
    private static readonly TraceParentTransform Transform = new();

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.RequestTransforms.Add(Transform);
    }
}
