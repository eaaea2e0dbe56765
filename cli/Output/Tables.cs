using Spectre.Console;
using Spectre.Console.Rendering;

namespace Latchctl.Output;

/// <summary>The look of every table and record latchctl prints, in one place.</summary>
internal static class Tables
{
    private static readonly Style Header = new(decoration: Decoration.Bold);
    private static readonly Style Label = new(Color.Grey, decoration: Decoration.Bold);
    private static readonly Style Missing = new(Color.Grey);

    /// <summary>A table with these column headers; rows are added with <see cref="Row"/>.</summary>
    public static Table New(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Rounded).BorderColor(Color.Grey);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header, Header)));
        }

        return table;
    }

    public static void Row(Table table, params IRenderable[] cells) => table.AddRow(cells);

    /// <summary>One record: a label and its value per line.</summary>
    public static Grid Record(params (string Label, IRenderable Value)[] fields)
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn().NoWrap().PadRight(2));
        grid.AddColumn(new GridColumn());
        foreach (var (label, value) in fields)
        {
            grid.AddRow(new Text(label, Label), value);
        }

        return grid;
    }

    /// <summary>A value as plain text (never markup: values come from the API); a dash when there is none.</summary>
    public static IRenderable Cell(string? value, Style? style = null) =>
        string.IsNullOrEmpty(value) ? new Text("-", Missing) : new Text(value, style ?? Style.Plain);

    /// <summary>A time relative to now (<c>in 1m 52s</c>, <c>3m ago</c>).</summary>
    public static IRenderable When(DateTimeOffset? at, DateTimeOffset now) =>
        at is { } time ? new Text(RelativeTime.Format(time, now)) : Cell(null);

    /// <summary>An empty list, said in words.</summary>
    public static IRenderable None(string what) => new Text($"No {what}." + Environment.NewLine, Missing);
}
