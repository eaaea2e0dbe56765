using System.Net;

namespace Latchctl.Api;

/// <summary>The gateway answered, and refused: any status outside 2xx, with its problem detail when it sent one.</summary>
internal sealed class ApiRefusedException(HttpStatusCode status, string? reasonPhrase, ApiProblem problem)
    : Exception($"The gateway answered {(int)status} {reasonPhrase}.")
{
    public HttpStatusCode Status { get; } = status;

    public string? ReasonPhrase { get; } = reasonPhrase;

    public ApiProblem Problem { get; } = problem;
}
