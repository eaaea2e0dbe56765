using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Latchctl.Api;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Latchctl.Output;

/// <summary>
/// Everything a command writes to stdout goes through here: the API's JSON as returned (<c>--output json</c>), or a
/// table of it (<c>--output table</c>), or the bare code (<c>-q</c>); and the spinner on stderr while waiting.
/// </summary>
internal sealed class CommandOutput(CliConsole console, OutputFormat format, TimeProvider time)
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private IAnsiConsole? _terminal;

    public OutputFormat Format { get; } = format;

    public bool IsJson => Format == OutputFormat.Json;

    public DateTimeOffset Now => time.GetUtcNow();

    public TimeProvider Time => time;

    public TextWriter Out => console.Out;

    public CliConsole Console => console;

    private IAnsiConsole Terminal => _terminal ??= console.Spectre(console.Out, isTerminal: !console.IsOutputRedirected);

    /// <summary>The answer as JSON, or as the table <paramref name="view"/> makes of it.</summary>
    public void Show<T>(ApiResult<T> result, Func<T, DateTimeOffset, IRenderable> view)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(view);
        if (IsJson)
        {
            WriteJson(result.Json);
        }
        else
        {
            Render(view(result.Value, Now));
        }
    }

    /// <summary>A JSON document, indented, exactly as the API gave it otherwise.</summary>
    public void WriteJson(JsonElement json) => console.Out.WriteLine(Serialize(json, Indented));

    /// <summary>A JSON value on one line (JSON lines, for streams).</summary>
    public void WriteJsonLine(JsonElement json)
    {
        console.Out.WriteLine(Serialize(json, Compact));
        console.Out.Flush();
    }

    public void Render(IRenderable renderable) => Terminal.Write(renderable);

    /// <summary>A line for people (table output only): a confirmation where the API answers nothing.</summary>
    public void Note(string text)
    {
        if (!IsJson)
        {
            console.Out.WriteLine(text);
        }
    }

    /// <summary>Runs <paramref name="work"/> under a spinner on stderr when stderr is a terminal; silently otherwise.</summary>
    public async Task<T> WhileWaitingAsync<T>(string status, Func<Action<string>, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (console.IsErrorRedirected)
        {
            return await work(static _ => { });
        }

        var terminal = console.Spectre(console.Error, isTerminal: true);
        return await terminal.Status()
            .Spinner(Spinner.Known.Dots)
            .StartAsync(Markup.Escape(status), context => work(text => context.Status(Markup.Escape(text))));
    }

    private static string Serialize(JsonElement json, JsonWriterOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            json.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
