using Microsoft.AspNetCore.Routing.Matching;

namespace LatchGateway.Hosting;

/// <summary>
/// Drops every candidate endpoint that does not belong to the listener the request arrived on. Endpoints
/// without <see cref="ListenerMetadata"/> are reachable from no listener: what is not placed is not served.
/// A proxy route's path can therefore shadow an admin path on the Proxy endpoint and never the other way.
/// </summary>
internal sealed class ListenerMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    // Before YARP's own policies, so they only see endpoints of this listener.
    public override int Order => -1000;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Count > 0;

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var listener = Listeners.Of(httpContext);
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!candidates.IsValidCandidate(i))
            {
                continue;
            }

            var metadata = candidates[i].Endpoint.Metadata.GetMetadata<ListenerMetadata>();
            if (metadata is null || !string.Equals(metadata.Listener, listener, StringComparison.Ordinal))
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }
}
