using System.CommandLine;
using System.CommandLine.Help;
using Latchctl.Commands;

namespace Latchctl.Cli;

/// <summary>The command tree: <c>latchctl routes|codes|sessions|audit|requests|completion</c> and the options they share.</summary>
internal static class LatchctlCommand
{
    public const string Description = """
        latchctl: the command line of LatchGateway's admin and access APIs.

        Environment:
          LATCH_ADMIN_URL  the gateway's Admin endpoint (default http://127.0.0.1:8081)
          LATCH_API_KEY    admin API key, for routes, codes, sessions and audit (or LATCH_API_KEY_FILE)
          LATCH_TOKEN      your JWT, for the requests commands (or LATCH_TOKEN_FILE)

        Exit codes: 0 success, 1 the API refused (its problem on stderr), 2 bad usage, 3 gateway unreachable.
        """;

    public static RootCommand Create(CommandHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var root = new RootCommand(Description);
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            // -h and --help; the Windows spellings only clutter completion on the shells latchctl completes.
            help.Aliases.Remove("/?");
            help.Aliases.Remove("/h");
            help.Aliases.Remove("-?");
        }

        foreach (var version in root.Options.OfType<VersionOption>())
        {
            version.Action = new VersionAction();
        }

        host.Options.AddTo(root);
        root.Subcommands.Add(RoutesCommand.Create(host));
        root.Subcommands.Add(CodesCommand.Create(host));
        root.Subcommands.Add(SessionsCommand.Create(host));
        root.Subcommands.Add(AuditCommand.Create(host));
        root.Subcommands.Add(RequestsCommand.Create(host));
        root.Subcommands.Add(CompletionCommand.Create(host.Console));
        return root;
    }
}
