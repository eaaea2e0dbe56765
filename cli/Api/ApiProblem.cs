using System.Text.Json.Serialization;

namespace Latchctl.Api;

/// <summary>An RFC 9457 problem as the gateway writes it: <c>error</c> on access and latch refusals, <c>errors</c> naming fields on 400s.</summary>
internal sealed record ApiProblem
{
    public string? Type { get; init; }

    public string? Title { get; init; }

    public int? Status { get; init; }

    public string? Detail { get; init; }

    public string? Error { get; init; }

    public Dictionary<string, string[]>? Errors { get; init; }

    [JsonIgnore]
    public bool IsEmpty => Title is null && Detail is null && Error is null && Errors is null;
}
