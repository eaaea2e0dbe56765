using System.CommandLine;
using Latchctl.Output;

namespace Latchctl.Cli;

/// <summary>
/// The options every command takes: where the gateway is, the credentials, the output format and the time to wait
/// for an answer. Secrets have no default in <c>--help</c>: they are read from the environment when the command runs.
/// </summary>
internal sealed class GlobalOptions
{
    public const string DefaultUrl = "http://127.0.0.1:8081";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"The gateway's Admin endpoint [env: LATCH_ADMIN_URL; default: {DefaultUrl}]",
        HelpName = "url",
        Recursive = true,
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "Admin API key, sent as X-Api-Key [env: LATCH_API_KEY]. Prefer the environment or --api-key-file: a flag shows in the process list",
        HelpName = "key",
        Recursive = true,
    };

    public Option<string?> ApiKeyFile { get; } = new("--api-key-file")
    {
        Description = "Read the admin API key from this file [env: LATCH_API_KEY_FILE]",
        HelpName = "path",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "Your JWT for the requests commands, sent as Authorization: Bearer [env: LATCH_TOKEN]",
        HelpName = "jwt",
        Recursive = true,
    };

    public Option<string?> TokenFile { get; } = new("--token-file")
    {
        Description = "Read the JWT from this file [env: LATCH_TOKEN_FILE]",
        HelpName = "path",
        Recursive = true,
    };

    public Option<string?> Output { get; } = CreateOutput();

    public Option<TimeSpan?> Timeout { get; } = CreateTimeout();

    public void AddTo(Command root)
    {
        ArgumentNullException.ThrowIfNull(root);
        foreach (var option in new Option[] { Url, ApiKey, ApiKeyFile, Token, TokenFile, Output, Timeout })
        {
            root.Options.Add(option);
        }
    }

    private static Option<string?> CreateOutput()
    {
        var option = new Option<string?>("--output")
        {
            Description = "Output format [default: table on a terminal, json otherwise]",
            HelpName = "table|json",
            Recursive = true,
        };
        option.AcceptOnlyFromAmong(OutputFormats.Names);
        return option;
    }

    private static Option<TimeSpan?> CreateTimeout()
    {
        var option = Duration.Option("--timeout", "How long to wait for each answer of the gateway before giving up (exit code 3) [default: 30s]");
        option.Recursive = true;
        return option;
    }
}
