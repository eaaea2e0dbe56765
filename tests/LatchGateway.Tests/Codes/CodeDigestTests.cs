using LatchGateway.Codes;

namespace LatchGateway.Tests.Codes;

public sealed class CodeDigestTests
{
    private static readonly byte[] Bytes = [.. Enumerable.Range(0, CodeDigest.Size).Select(i => (byte)(i * 7 + 3))];

    [Fact]
    public void Equal_bytes_make_equal_digests_with_equal_hash_codes()
    {
        var a = new CodeDigest(Bytes);
        var b = new CodeDigest((byte[])Bytes.Clone());

        Assert.True(a == b);
        Assert.False(a != b);
        Assert.True(a.Equals(b));
        Assert.True(a.Equals((object)b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(24)]
    [InlineData(31)]
    public void A_difference_in_any_byte_makes_digests_unequal(int index)
    {
        var other = (byte[])Bytes.Clone();
        other[index] ^= 0x01;

        Assert.NotEqual(new CodeDigest(Bytes), new CodeDigest(other));
        Assert.True(new CodeDigest(Bytes) != new CodeDigest(other));
    }

    [Fact]
    public void Is_not_equal_to_other_objects()
    {
        Assert.False(new CodeDigest(Bytes).Equals("digest"));
        Assert.False(new CodeDigest(Bytes).Equals(null));
    }

    [Fact]
    public void ToHex_is_lower_case_hex_of_the_bytes_and_round_trips()
    {
        var digest = new CodeDigest(Bytes);

        var hex = digest.ToHex();

        Assert.Equal(Convert.ToHexStringLower(Bytes), hex);
        Assert.Equal(digest, new CodeDigest(Convert.FromHexString(hex)));
    }

    [Fact]
    public void CopyTo_gives_back_the_bytes()
    {
        var copy = new byte[CodeDigest.Size];

        new CodeDigest(Bytes).CopyTo(copy);

        Assert.Equal(Bytes, copy);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void Rejects_anything_but_32_bytes(int size)
    {
        Assert.Throws<ArgumentException>(() => new CodeDigest(new byte[size]));
    }

    [Fact]
    public void Works_as_a_dictionary_key()
    {
        var map = new Dictionary<CodeDigest, string> { [new CodeDigest(Bytes)] = "x" };

        Assert.Equal("x", map[new CodeDigest((byte[])Bytes.Clone())]);
    }
}
