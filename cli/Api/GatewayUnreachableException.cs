namespace Latchctl.Api;

/// <summary>No answer from the gateway: connection refused or reset, name not resolved, TLS failure, or timeout.</summary>
internal sealed class GatewayUnreachableException(Uri address, string reason, Exception? inner = null)
    : Exception($"Cannot reach the gateway at {address}: {reason}", inner)
{
    public Uri Address { get; } = address;
}
