namespace LatchGateway.Text;

/// <summary>Percent-escapes read one hex digit at a time, without allocating.</summary>
internal static class HexDigit
{
    /// <summary>The digit's value (0–15), or -1 when <paramref name="c"/> is not a hex digit.</summary>
    public static int Value(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
