using Microsoft.Extensions.Logging;

namespace LatchGateway.Admin;

internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Warning, "No admin API key is configured under Latch:Admin:ApiKeys: every admin call will be refused with 401.")]
    public static partial void NoApiKeysConfigured(ILogger logger);
}
