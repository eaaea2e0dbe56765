using LatchGateway.Contracts;
using Microsoft.AspNetCore.Http;

namespace LatchGateway.Admin;

/// <summary>Turns an unreachable store into 503 <c>latch_unavailable</c> for every admin call.</summary>
internal sealed class StoreUnavailableFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (LatchStoreUnavailableException)
        {
            return AdminProblems.StoreUnavailable(context.HttpContext);
        }
    }
}
