using LatchGateway.Net;
using Microsoft.Extensions.Options;

namespace LatchGateway.Identity;

/// <summary>
/// Settings under <c>Latch:ForwardedHeaders</c>: the proxies in front of the gateway whose <c>X-Forwarded-For</c>
/// (and identity header) are believed. None by default — not even loopback.
/// </summary>
public sealed record LatchForwardedHeadersOptions
{
    public const string SectionName = "Latch:ForwardedHeaders";

    /// <summary>Addresses of trusted proxies.</summary>
    public string[] KnownProxies { get; init; } = [];

    /// <summary>CIDR ranges of trusted proxies.</summary>
    public string[] KnownNetworks { get; init; } = [];

    /// <summary>How many <c>X-Forwarded-For</c> entries (proxy hops) are read, right to left.</summary>
    public int ForwardLimit { get; init; } = 1;
}

internal sealed class LatchForwardedHeadersOptionsValidator : IValidateOptions<LatchForwardedHeadersOptions>
{
    public ValidateOptionsResult Validate(string? name, LatchForwardedHeadersOptions options)
    {
        const string Section = LatchForwardedHeadersOptions.SectionName;
        var failures = new List<string>();
        for (var i = 0; i < options.KnownProxies.Length; i++)
        {
            var value = options.KnownProxies[i];
            if (!StrictIPParser.TryParseAddress(value, out _))
            {
                failures.Add($"{Section}:KnownProxies:{i} ('{value}') is not an IP address.");
            }
        }

        for (var i = 0; i < options.KnownNetworks.Length; i++)
        {
            var value = options.KnownNetworks[i];
            if (!StrictIPParser.TryParseRange(value, out _))
            {
                failures.Add($"{Section}:KnownNetworks:{i} ('{value}') is not a CIDR range such as 10.0.0.0/8.");
            }
        }

        if (options.ForwardLimit < 1)
        {
            failures.Add($"{Section}:ForwardLimit must be at least 1; it is {options.ForwardLimit}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
