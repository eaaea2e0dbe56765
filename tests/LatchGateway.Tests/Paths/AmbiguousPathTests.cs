using LatchGateway.Paths;

namespace LatchGateway.Tests.Paths;

/// <summary>
/// The classifier on pairs of (raw path as sent, path as Kestrel decodes it). The decoded paths here are what
/// Kestrel gives: escapes decoded except <c>%2F</c> and invalid UTF-8, dot segments removed.
/// </summary>
public sealed class AmbiguousPathTests
{
    public static TheoryData<string, string> Ordinary => new()
    {
        { "", "" },
        { "/", "/" },
        { "/orders", "/orders" },
        { "/orders/", "/orders/" },
        { "/orders/admin/x", "/orders/admin/x" },
        { "/orders/v1.2/x.json", "/orders/v1.2/x.json" },
        { "/.well-known/openid-configuration", "/.well-known/openid-configuration" },
        { "/orders/my%20file/x", "/orders/my file/x" },
        { "/orders/caf%C3%A9", "/orders/café" },
        { "/orders/%E2%82%AC", "/orders/€" },
        { "/orders/100%25", "/orders/100%" },
        { "/orders/100%", "/orders/100%" },
        { "/orders/a%23b", "/orders/a#b" },
        { "/orders/%3F", "/orders/?" },
        { "/orders/%41dmin", "/orders/Admin" },
        { "/orders/a.b.c/d", "/orders/a.b.c/d" },
        { "/orders/%25zz", "/orders/%zz" },
    };

    public static TheoryData<string, string, string> Ambiguous => new()
    {
        { "/orders//admin/x", "/orders//admin/x", "empty_segment" },
        { "//orders/admin/x", "//orders/admin/x", "empty_segment" },
        { "/orders//", "/orders//", "empty_segment" },
        { "//", "//", "empty_segment" },
        { "/orders/admin;x=1/x", "/orders/admin;x=1/x", "semicolon" },
        { "/orders/;", "/orders/;", "semicolon" },
        { "/orders/admin%3Bx/x", "/orders/admin;x/x", "semicolon" },
        { "/orders/admin%3b/x", "/orders/admin;/x", "semicolon" },
        { "/orders/admin./x", "/orders/admin./x", "trailing_dot" },
        { "/orders/admin%2E/x", "/orders/admin./x", "trailing_dot" },
        { "/orders/admin/x.", "/orders/admin/x.", "trailing_dot" },
        { "/orders/./admin/x", "/orders/admin/x", "dot_segment" },
        { "/orders/x/../admin/x", "/orders/admin/x", "dot_segment" },
        { "/orders/x/%2e%2e/admin/x", "/orders/admin/x", "dot_segment" },
        { "/orders/x/.%2E/admin/x", "/orders/admin/x", "dot_segment" },
        { "/orders/admin/..", "/orders/", "dot_segment" },
        { "/orders/...", "/orders/...", "dot_segment" },
        { "/.", "/", "dot_segment" },
        { "/orders/admin%20/x", "/orders/admin /x", "trailing_whitespace" },
        { "/orders/admin/x%20", "/orders/admin/x ", "trailing_whitespace" },
        { "/orders/admin%C2%A0/x", "/orders/admin\u00a0/x", "trailing_whitespace" },
        { "/orders/admin%E2%80%AF", "/orders/admin\u202f", "trailing_whitespace" },
        { "/orders/admin%09/x", "/orders/admin\t/x", "control_character" },
        { "/orders/ad%0Amin/x", "/orders/ad\nmin/x", "control_character" },
        { "/orders/admin%0d", "/orders/admin\r", "control_character" },
        { "/orders/admin%00", "/orders/admin\0", "control_character" },
        { "/orders/admin%7F/x", "/orders/admin\u007f/x", "control_character" },
        { "/orders/admin%C2%85/x", "/orders/admin\u0085/x", "control_character" },
        { "/orders/admin\t/x", "/orders/admin\t/x", "control_character" },
        { "/orders\\admin/x", "/orders\\admin/x", "backslash" },
        { "/orders/admin%2Fx", "/orders/admin%2Fx", "encoded_separator" },
        { "/orders/admin%2fx", "/orders/admin%2fx", "encoded_separator" },
        { "/orders%2Fadmin/x", "/orders%2Fadmin/x", "encoded_separator" },
        { "/orders/admin%5Cx", "/orders/admin\\x", "encoded_separator" },
        { "/orders/admin%5cx", "/orders/admin\\x", "encoded_separator" },
        { "/orders/admin#/x", "/orders/admin#/x", "fragment" },
        { "/orders/%252Fadmin/x", "/orders/%2Fadmin/x", "undecoded_escape" },
        { "/orders/%2561dmin/x", "/orders/%61dmin/x", "undecoded_escape" },
        { "/orders/%25%32%46admin/x", "/orders/%2Fadmin/x", "undecoded_escape" },
        { "/orders/admin%C0%AE/x", "/orders/admin%C0%AE/x", "undecoded_escape" },
        { "/orders/admin%C0/x", "/orders/admin%C0/x", "undecoded_escape" },
        { "/orders/%u0061dmin/x", "/orders/%u0061dmin/x", "undecoded_escape" },
        { "/orders/%U002e", "/orders/%U002e", "undecoded_escape" },
        { "/orders/%25u002e", "/orders/%u002e", "undecoded_escape" },
    };

    [Theory]
    [MemberData(nameof(Ordinary))]
    public void An_ordinary_path_passes(string raw, string decoded)
    {
        Assert.Equal(PathRejection.None, AmbiguousPath.Classify(raw, decoded));
    }

    [Theory]
    [MemberData(nameof(Ambiguous))]
    public void An_ambiguous_path_is_refused_with_its_reason(string raw, string decoded, string reason)
    {
        Assert.Equal(reason, AmbiguousPath.Classify(raw, decoded).ToName());
    }

    [Fact]
    public void Without_the_raw_target_the_decoded_path_is_still_checked()
    {
        Assert.Equal(PathRejection.EmptySegment, AmbiguousPath.Classify("", "/orders//admin/x"));
        Assert.Equal(PathRejection.UndecodedEscape, AmbiguousPath.Classify("", "/orders/admin%2Fx"));
        Assert.Equal(PathRejection.TrailingDot, AmbiguousPath.Classify("", "/orders/admin./x"));
    }

    [Fact]
    public void A_fragment_sign_that_Kestrel_decoded_from_an_escape_is_an_ordinary_character()
    {
        Assert.Equal(PathRejection.None, AmbiguousPath.Scan("/orders/a#b", raw: false));
        Assert.Equal(PathRejection.Fragment, AmbiguousPath.Scan("/orders/a#b", raw: true));
    }

    [Fact]
    public void Classifying_an_ordinary_path_allocates_nothing()
    {
        const string target = "/orders/admin/0123456789abcdef/items/42?latch_code=ABCDE-12345&x=%2F";
        const string decoded = "/orders/admin/0123456789abcdef/items/42";
        Assert.Equal(PathRejection.None, AmbiguousPath.Classify(RequestTarget.PathOf(target), decoded));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            AmbiguousPath.Classify(RequestTarget.PathOf(target), decoded);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Reason_names_are_distinct_snake_case_labels()
    {
        var names = Enum.GetValues<PathRejection>().Select(r => r.ToName()).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.Matches("^[a-z]+(_[a-z]+)*$", n));
        Assert.Equal("none", PathRejection.None.ToName());
    }
}
