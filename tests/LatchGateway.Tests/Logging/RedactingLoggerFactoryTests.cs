using System.Collections;
using LatchGateway.Logging;
using Microsoft.Extensions.Logging;

namespace LatchGateway.Tests.Logging;

public sealed class RedactingLoggerFactoryTests : IDisposable
{
    private const string Secret = "ABCDE-12345";

    private static readonly Action<ILogger, string, Exception?> RequestStarting =
        LoggerMessage.Define<string>(LogLevel.Information, new EventId(1, "RequestStarting"), "Request starting GET {Url}");

    private readonly CapturingLoggerFactory _captured = new();
    private readonly ILogger _logger;

    public RedactingLoggerFactoryTests()
    {
        _logger = new RedactingLoggerFactory(_captured).CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");
    }

    public void Dispose() => _captured.Dispose();

    [Theory]
    [InlineData("http://gw/x?latch_code=" + Secret)]
    [InlineData("http://gw/x?a=1&LATCH_CODE=" + Secret + "&b=2")]
    [InlineData("http://gw/x?latch%5Fcode=" + Secret)]
    [InlineData("http://gw/x?latch_code=;" + Secret)]
    [InlineData("http://gw/x?latch_code==" + Secret + "&b=1")]
    [InlineData("http://gw/x?LATCH%5FCODE=%3B" + Secret)]
    [InlineData("http://gw/x?a=1;latch_code=" + Secret)]
    public void Masks_codes_in_the_message_and_the_structured_values(string url)
    {
#pragma warning disable CA1848, CA1873, CA2254 // the point is to log the way any library may
        _logger.LogInformation("Request starting GET {Url} from {Client}", url, "203.0.113.7");
#pragma warning restore CA1848, CA1873, CA2254

        var entry = Assert.Single(_captured.Entries);
        AssertRedacted(entry);
        Assert.Contains(entry.Values, v => v.Key == "Url" && ((string)v.Value!).Contains("[redacted]", StringComparison.Ordinal));
        Assert.Contains(entry.Values, v => v.Key == "Client" && Equals(v.Value, "203.0.113.7"));
        Assert.Contains(entry.Values, v => v.Key == "{OriginalFormat}" && Equals(v.Value, "Request starting GET {Url} from {Client}"));
        Assert.Equal(LogLevel.Information, entry.Level);
    }

    [Fact]
    public void Masks_codes_in_LoggerMessage_state()
    {
        RequestStarting(_logger, "http://gw/x?latch_code=" + Secret, null);

        var entry = Assert.Single(_captured.Entries);
        AssertRedacted(entry);
        Assert.Equal("Request starting GET http://gw/x?latch_code=[redacted]", entry.Message);
        Assert.Equal(new EventId(1, "RequestStarting"), entry.EventId);
    }

    [Fact]
    public void Masks_codes_in_plain_string_state()
    {
        var text = "GET /x?latch_code=" + Secret;

        _logger.Log(LogLevel.Warning, new EventId(7), text, null, static (s, _) => s);

        var entry = Assert.Single(_captured.Entries);
        AssertRedacted(entry);
        Assert.Equal("GET /x?latch_code=[redacted]", entry.Message);
        Assert.Equal(7, entry.EventId.Id);
    }

    [Fact]
    public void Keeps_the_exception()
    {
        var exception = new InvalidOperationException("boom");

        RequestStarting(_logger, "/x?latch_code=" + Secret, exception);

        var entry = Assert.Single(_captured.Entries);
        AssertRedacted(entry);
        Assert.Same(exception, entry.Exception);
    }

    [Fact]
    public void Masks_a_code_behind_a_semicolon_in_an_exception_and_a_Uri_value()
    {
        var exception = new InvalidOperationException("Invalid request target: '/x?latch_code=;" + Secret + "'");
        var url = new Uri("http://backend/x?a=1;latch_code=;" + Secret + "&b=2");

        var state = new ListState(("Url", url));

        _logger.Log(LogLevel.Information, new EventId(9), state, exception, static (_, _) => "Proxying");

        var entry = Assert.Single(_captured.Entries);
        Assert.Equal("http://backend/x?a=1;latch_code=[redacted]&b=2", Assert.Single(entry.Values).Value);
        Assert.IsType<RedactedException>(entry.Exception);
        Assert.Equal("Invalid request target: '/x?latch_code=[redacted]", entry.Exception.Message);
        Assert.DoesNotContain(Secret, entry.Exception.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(nameof(InvalidOperationException), entry.Exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Passes_unrelated_entries_through_unchanged_and_uncopied()
    {
        var state = new ListState(("Url", "http://gw/x?a=1"), ("Count", 3));

        _logger.Log(LogLevel.Debug, new EventId(3), state, null, static (s, _) => "formatted " + s.Count);

        var entry = Assert.Single(_captured.Entries);
        Assert.Same(state, entry.State);
        Assert.Equal("formatted 2", entry.Message);
        Assert.Equal(LogLevel.Debug, entry.Level);
    }

    [Fact]
    public void Passes_unrelated_string_state_through_as_the_same_object()
    {
        var text = new string("GET /x?a=1".AsSpan());

        _logger.Log(LogLevel.Information, default, text, null, static (s, _) => s);

        Assert.Same(text, Assert.Single(_captured.Entries).State);
    }

    [Fact]
    public void Passes_unrelated_messages_through_unchanged()
    {
        RequestStarting(_logger, "http://gw/x?a=1&code=7", null);

        var entry = Assert.Single(_captured.Entries);
        Assert.Equal("Request starting GET http://gw/x?a=1&code=7", entry.Message);
        Assert.Contains(entry.Values, v => v.Key == "Url" && Equals(v.Value, "http://gw/x?a=1&code=7"));
    }

    [Fact]
    public void Logs_nothing_and_formats_nothing_when_the_level_is_off()
    {
        _captured.Enabled = false;

        _logger.Log(LogLevel.Information, default, "x?latch_code=" + Secret, null, static (_, _) => throw new InvalidOperationException("formatted"));

        Assert.Empty(_captured.Entries);
        Assert.Equal(0, _captured.FormatterCalls);
        Assert.False(_logger.IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void Masks_codes_in_state_of_any_other_type()
    {
        // Any library may log its own state type: the line it prints must not carry a code either.
        var state = new UrlState("http://gw/x?latch_code=" + Secret);

        _logger.Log(LogLevel.Information, default, state, null, static (s, _) => "Request " + s.Url);

        var entry = Assert.Single(_captured.Entries);
        Assert.DoesNotContain(Secret, entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Masks_codes_held_in_collection_values()
    {
        // The default formatter prints a collection value item by item.
#pragma warning disable CA1848, CA1873, CA2254
        _logger.LogInformation("Requests {Urls}", (object)new[] { "/x?latch_code=" + Secret, "/y" });
#pragma warning restore CA1848, CA1873, CA2254

        var entry = Assert.Single(_captured.Entries);
        Assert.DoesNotContain(Secret, entry.Message, StringComparison.Ordinal);
    }

    private static void AssertRedacted(CapturingLoggerFactory.Entry entry)
    {
        Assert.Contains("[redacted]", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, entry.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("12345", entry.Message, StringComparison.Ordinal);
        Assert.All(entry.Values, v => Assert.DoesNotContain(Secret, v.Value?.ToString() ?? "", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(Secret, entry.State?.ToString() ?? "", StringComparison.OrdinalIgnoreCase);
    }

    private sealed record UrlState(string Url);

    private sealed class ListState(params (string Key, object? Value)[] values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly KeyValuePair<string, object?>[] _values = [.. values.Select(v => new KeyValuePair<string, object?>(v.Key, v.Value))];

        public int Count => _values.Length;

        public KeyValuePair<string, object?> this[int index] => _values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
