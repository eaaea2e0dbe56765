using System.Security.Claims;
using LatchGateway.Contracts;
using Microsoft.AspNetCore.Http;

namespace LatchGateway.Admin;

/// <summary>The actor of an admin call: its API key's name and the address the call came from.</summary>
internal static class AdminActor
{
    public static LatchActor Of(HttpContext context, ClaimsPrincipal caller) =>
        new(caller.Identity!.Name!, context.Connection.RemoteIpAddress);
}
