using System.CommandLine;

namespace Latchctl.Commands;

/// <summary>
/// <c>latchctl completion bash|zsh</c>: a shell script that completes latchctl's commands, options and values by
/// asking latchctl itself through System.CommandLine's <c>[suggest]</c> directive.
/// </summary>
internal static class CompletionCommand
{
    public const string Bash = """
        # latchctl tab completion for bash: add to ~/.bashrc
        #   source <(latchctl completion bash)
        _latchctl_complete() {
            local IFS=$'\n'
            COMPREPLY=( $(compgen -W "$("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _latchctl_complete latchctl

        """;

    public const string Zsh = """
        # latchctl tab completion for zsh: add to ~/.zshrc
        #   source <(latchctl completion zsh)
        autoload -U +X bashcompinit && bashcompinit

        """ + Bash;

    public static Command Create(CliConsole console)
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh", DefaultValueFactory = _ => "bash" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print the tab-completion script for bash or zsh: source <(latchctl completion bash)") { shell };
        command.SetAction(parse =>
        {
            console.Out.Write(parse.GetValue(shell) == "zsh" ? Zsh : Bash);
            return ExitCodes.Success;
        });
        return command;
    }
}
