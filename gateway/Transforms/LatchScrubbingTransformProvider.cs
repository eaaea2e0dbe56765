using Yarp.ReverseProxy.Transforms.Builder;

namespace LatchGateway.Transforms;

/// <summary>Puts <see cref="LatchRequestScrubber"/> in front of every route's request transforms.</summary>
internal sealed class LatchScrubbingTransformProvider(LatchRequestScrubber scrubber) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.RequestTransforms.Insert(0, scrubber);
    }
}
