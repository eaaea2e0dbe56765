using LatchGateway.Admin;

namespace LatchGateway.Tests.Admin;

public sealed class PlainTextTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("alice@example.com")]
    [InlineData("Zoë Ünal")]
    [InlineData("e\u0301")] // a combining mark is visible with its base
    [InlineData("山田太郎")]
    [InlineData("مرحبا")] // right-to-left letters are fine; the controls that reorder text are not
    [InlineData("INC-4711 🙂")]
    [InlineData("tab-free, line-free text with spaces")]
    public void Visible_text_passes(string value)
    {
        Assert.False(PlainText.HasHiddenCharacters(value));
    }

    [Theory]
    [InlineData('\u0000')]
    [InlineData('\u0007')]
    [InlineData('\u0009')]
    [InlineData('\u000A')]
    [InlineData('\u000D')]
    [InlineData('\u001B')]
    [InlineData('\u007F')]
    [InlineData('\u0085')]
    [InlineData('\u061C')]
    [InlineData('\u200E')]
    [InlineData('\u200F')]
    [InlineData('\u202A')]
    [InlineData('\u202B')]
    [InlineData('\u202C')]
    [InlineData('\u202D')]
    [InlineData('\u202E')]
    [InlineData('\u2066')]
    [InlineData('\u2067')]
    [InlineData('\u2068')]
    [InlineData('\u2069')]
    [InlineData('\u200B')] // zero-width space
    [InlineData('\u200D')] // zero-width joiner
    [InlineData('\u2060')] // word joiner
    [InlineData('\u00AD')] // soft hyphen
    [InlineData('\uFEFF')] // byte order mark
    [InlineData('\u2028')] // line separator
    [InlineData('\u2029')] // paragraph separator
    [InlineData('\uD800')] // lone high surrogate
    [InlineData('\uDC00')] // lone low surrogate
    public void Control_format_and_separator_characters_are_hidden(char hidden)
    {
        Assert.True(PlainText.HasHiddenCharacters($"al{hidden}ice"));
        Assert.True(PlainText.HasHiddenCharacters($"{hidden}"));
        Assert.True(PlainText.HasHiddenCharacters($"alice{hidden}"));
    }

    [Fact]
    public void Format_characters_outside_the_basic_plane_are_hidden()
    {
        // U+E0001 LANGUAGE TAG and U+E0041 TAG LATIN CAPITAL LETTER A: invisible, and able to smuggle ASCII.
        Assert.True(PlainText.HasHiddenCharacters("alice\U000E0001"));
        Assert.True(PlainText.HasHiddenCharacters("alice\U000E0041"));
    }
}
