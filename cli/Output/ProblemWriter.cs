using Latchctl.Api;

namespace Latchctl.Output;

/// <summary>
/// A refusal on stderr, for people: the status, the problem's title and <c>error</c>, its detail, and the fields a
/// 400 names. Credentials are never part of it.
/// </summary>
internal static class ProblemWriter
{
    public static void Write(TextWriter error, ApiRefusedException refusal, Credentials credentials, Caller? caller)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(refusal);
        ArgumentNullException.ThrowIfNull(credentials);
        var problem = refusal.Problem;
        var status = (int)refusal.Status;
        var title = (problem.Title ?? refusal.ReasonPhrase ?? "Refused").TrimEnd('.');
        error.WriteLine(problem.Error is null ? $"Error: {title} ({status})" : $"Error: {title} ({status}, {problem.Error})");
        if (!string.IsNullOrWhiteSpace(problem.Detail))
        {
            error.WriteLine($"  {problem.Detail}");
        }

        foreach (var (field, messages) in problem.Errors ?? [])
        {
            foreach (var message in messages)
            {
                error.WriteLine($"  {field}: {message}");
            }
        }

        if (status == 401 && Hint(credentials, caller) is { } hint)
        {
            error.WriteLine($"  Hint: {hint}");
        }
    }

    private static string? Hint(Credentials credentials, Caller? caller) => caller switch
    {
        Caller.Admin when credentials.ApiKey is null => "no API key was given: set LATCH_API_KEY, or use --api-key-file.",
        Caller.Person when credentials.Token is null && credentials.ApiKey is null => "no token was given: set LATCH_TOKEN to your JWT, or use --token-file.",
        _ => null,
    };
}
