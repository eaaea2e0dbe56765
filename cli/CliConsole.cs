using Spectre.Console;

namespace Latchctl;

/// <summary>
/// Where latchctl writes, and what is on the other end: the process's console, or writers a test captures.
/// Whether stdout is a terminal decides the default output format (table or JSON); whether stderr is one, the spinner.
/// </summary>
internal sealed class CliConsole
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public bool IsOutputRedirected { get; init; }

    public bool IsErrorRedirected { get; init; }

    /// <summary>Columns for tables written where the width cannot be measured (a file, a pipe, a test); null to let Spectre.Console decide.</summary>
    public int? Width { get; init; }

    /// <summary>Whether this is the process's console, whose colours and width Spectre.Console may detect; otherwise plain text.</summary>
    public bool DetectCapabilities { get; init; }

    /// <summary>The process's console. <c>COLUMNS</c> sets the table width on a pipe; <c>NO_COLOR</c> turns colours off.</summary>
    public static CliConsole FromSystem(IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        int? width = environment.TryGetValue("COLUMNS", out var columns) && int.TryParse(columns, out var parsed) && parsed > 20 ? parsed : null;
        return new CliConsole
        {
            Out = Console.Out,
            Error = Console.Error,
            IsOutputRedirected = Console.IsOutputRedirected,
            IsErrorRedirected = Console.IsErrorRedirected,
            Width = width,
            DetectCapabilities = true,
        };
    }

    /// <summary>A Spectre.Console console over <paramref name="writer"/> (this console's stdout or stderr).</summary>
    public IAnsiConsole Spectre(TextWriter writer, bool isTerminal)
    {
        var detect = DetectCapabilities && isTerminal;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = detect ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = detect ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = detect ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!detect && Width is { } width)
        {
            console.Profile.Width = width;
        }

        return console;
    }
}
