using System.Diagnostics;

namespace LatchGateway.Diagnostics;

/// <summary>The <c>LatchGateway</c> activity source: one activity per validation, tagged with route and outcome.</summary>
internal static class LatchTracing
{
    public const string SourceName = "LatchGateway";

    public static readonly ActivitySource Source = new(SourceName);
}
