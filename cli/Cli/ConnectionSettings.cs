using System.CommandLine;
using Latchctl.Api;

namespace Latchctl.Cli;

/// <summary>
/// Where the gateway is and what to present to it, from the flags, else the environment: a flag wins over the
/// environment, and a secret's value (<c>--api-key</c>) over its file (<c>--api-key-file</c>) from the same place.
/// </summary>
internal sealed record ConnectionSettings(Uri AdminUrl, Credentials Credentials, TimeSpan Timeout)
{
    public static ConnectionSettings Resolve(ParseResult parse, GlobalOptions options, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);

        var url = parse.GetValue(options.Url) ?? NonEmpty(environment, "LATCH_ADMIN_URL") ?? GlobalOptions.DefaultUrl;
        var apiKey = Secret(parse, options.ApiKey, options.ApiKeyFile, environment, "LATCH_API_KEY", "API key");
        var token = Secret(parse, options.Token, options.TokenFile, environment, "LATCH_TOKEN", "token");
        var timeout = parse.GetValue(options.Timeout) ?? GlobalOptions.DefaultTimeout;
        return new ConnectionSettings(ParseUrl(url), new Credentials(apiKey, token), timeout);
    }

    private static Uri ParseUrl(string text)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment) || !string.IsNullOrEmpty(url.UserInfo))
        {
            throw new UsageException($"'{text}' is not the http(s) address of the gateway's Admin endpoint (--url, LATCH_ADMIN_URL), e.g. {GlobalOptions.DefaultUrl}.");
        }

        // The API's paths are resolved relative to the address, so a gateway behind a path prefix works too.
        return url.AbsolutePath.EndsWith('/') ? url : new Uri(url + "/");
    }

    /// <summary>
    /// A secret from <c>--x</c>, <c>--x-file</c>, <c>LATCH_X</c> or <c>LATCH_X_FILE</c>, in that order. Messages name
    /// where a secret came from, never its value.
    /// </summary>
    private static string? Secret(
        ParseResult parse, Option<string?> valueOption, Option<string?> fileOption, IReadOnlyDictionary<string, string?> environment, string variable, string what)
    {
        var value = parse.GetValue(valueOption);
        var file = parse.GetValue(fileOption);
        if (value is not null && file is not null)
        {
            throw new UsageException($"Give {valueOption.Name} or {fileOption.Name}, not both.");
        }

        if (value is not null)
        {
            return Checked(value, valueOption.Name, what);
        }

        if (file is not null)
        {
            return FromFile(file, fileOption.Name, what);
        }

        if (NonEmpty(environment, variable) is { } fromEnvironment)
        {
            return Checked(fromEnvironment, variable, what);
        }

        return NonEmpty(environment, variable + "_FILE") is { } path ? FromFile(path, variable + "_FILE", what) : null;
    }

    private static string FromFile(string path, string source, string what)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"Cannot read the {what} from '{path}' ({source}): {exception.Message}");
        }

        return Checked(text, $"'{path}' ({source})", what);
    }

    /// <summary>The secret without surrounding white space (a file's final newline); one a header cannot carry is a usage error.</summary>
    private static string Checked(string secret, string source, string what)
    {
        var trimmed = secret.Trim();
        if (trimmed.Length == 0)
        {
            throw new UsageException($"The {what} from {source} is empty.");
        }

        if (trimmed.Any(c => char.IsControl(c) || c > '\u007e'))
        {
            throw new UsageException($"The {what} from {source} holds characters an HTTP header cannot carry.");
        }

        return trimmed;
    }

    private static string? NonEmpty(IReadOnlyDictionary<string, string?> environment, string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
