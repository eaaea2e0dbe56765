namespace LatchGateway.Transforms;

/// <summary>
/// Header names as CGI, WSGI, Rack and PHP backends read them: upper-cased, with <c>-</c> and <c>_</c> both turned
/// into <c>_</c> (<c>X_Latch_Id</c> and <c>x-latch-id</c> are both <c>HTTP_X_LATCH_ID</c>). Compares without
/// allocating: header names are ASCII tokens.
/// </summary>
internal static class CgiHeaderName
{
    /// <summary>Whether a backend would read <paramref name="name"/> as <paramref name="other"/>.</summary>
    public static bool SameVariable(ReadOnlySpan<char> name, ReadOnlySpan<char> other) =>
        name.Length == other.Length && SamePrefix(name, other);

    /// <summary>Whether a backend would read <paramref name="name"/> as starting with <paramref name="prefix"/>.</summary>
    public static bool StartsWith(ReadOnlySpan<char> name, ReadOnlySpan<char> prefix) =>
        name.Length >= prefix.Length && SamePrefix(name, prefix);

    private static bool SamePrefix(ReadOnlySpan<char> name, ReadOnlySpan<char> prefix)
    {
        for (var i = 0; i < prefix.Length; i++)
        {
            if (Fold(name[i]) != Fold(prefix[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static char Fold(char c) => c switch
    {
        '_' => '-',
        >= 'A' and <= 'Z' => (char)(c + ('a' - 'A')),
        _ => c,
    };
}
