namespace Latchctl.Output;

/// <summary><c>--output</c>: tables for people, the API's JSON for programs.</summary>
internal enum OutputFormat
{
    Table,
    Json,
}

internal static class OutputFormats
{
    public static readonly string[] Names = ["table", "json"];

    /// <summary>The format asked for, else a table on a terminal and JSON when stdout is redirected.</summary>
    public static OutputFormat Choose(string? requested, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        return requested switch
        {
            "table" => OutputFormat.Table,
            "json" => OutputFormat.Json,
            _ => console.IsOutputRedirected ? OutputFormat.Json : OutputFormat.Table,
        };
    }
}
