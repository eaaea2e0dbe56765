using System.Net;
using System.Text;
using LatchGateway.Tests.Infrastructure;
using static LatchGateway.Tests.Admin.CodesPages;

namespace LatchGateway.Tests.Admin;

/// <summary>
/// <c>GET /admin/codes</c> a page at a time on the memory store: <c>limit</c> 1 to 1000 (100), a cursor in the
/// <c>Link: &lt;…&gt;; rel="next"</c> header, newest first, every code once, filters kept from page to page.
/// </summary>
public sealed class CodesPagingTests(MemoryGatewayFixture fixture) : IClassFixture<MemoryGatewayFixture>
{
    private GatewayInstance Gateway => fixture.Gateway;

    [Fact]
    public async Task More_codes_than_a_page_are_shown_once_each_newest_first_across_the_pages()
    {
        var user = Unique("pager");
        var issued = await IssueAsync(Gateway, user, 25);
        using var reader = Gateway.CreateAdminClient("reader");

        var pages = await FollowAsync($"admin/codes?user={user}&limit=10", reader);

        Assert.Equal([10, 10, 5], pages.Select(p => p.Codes.Count));
        Assert.Equal(issued.Order(StringComparer.Ordinal), Ids(pages).Order(StringComparer.Ordinal));
        AssertNewestFirst(pages);
        Assert.Null(pages[^1].Next);
        Assert.All(pages.SkipLast(1), page =>
        {
            Assert.StartsWith("/admin/codes?", page.Next, StringComparison.Ordinal);
            Assert.Contains($"user={user}", page.Next, StringComparison.Ordinal);
            Assert.Contains("limit=10", page.Next, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_listing_that_fits_one_page_has_no_Link_and_the_default_page_is_100_codes()
    {
        var user = Unique("default");
        var issued = await IssueAsync(Gateway, user, 101);
        using var reader = Gateway.CreateAdminClient("reader");

        var exact = await GetAsync(reader, $"admin/codes?user={user}&limit=101");
        var pages = await FollowAsync($"admin/codes?user={user}", reader);

        Assert.Equal(101, exact.Codes.Count);
        Assert.Null(exact.Next);
        Assert.Equal([100, 1], pages.Select(p => p.Codes.Count));
        Assert.Contains("limit=100", pages[0].Next, StringComparison.Ordinal);
        Assert.Equal(issued.Order(StringComparer.Ordinal), Ids(pages).Order(StringComparer.Ordinal));
        Assert.Equal(Ids([exact]), Ids(pages));
    }

    [Fact]
    public async Task The_route_and_user_filters_hold_on_every_page()
    {
        var user = Unique("filter");
        var issued = await IssueAsync(Gateway, user, 12, "orders-admin", "exports", "exports");
        await IssueAsync(Gateway, Unique("other"), 5, "exports");
        using var reader = Gateway.CreateAdminClient("reader");
        var exports = new List<string>();
        using (var admin = Gateway.CreateAdminClient())
        {
            foreach (var id in issued)
            {
                var code = await admin.GetStringAsync($"admin/codes/{id}");
                if (code.Contains("\"route\":\"exports\"", StringComparison.Ordinal))
                {
                    exports.Add(id);
                }
            }
        }

        var pages = await FollowAsync($"admin/codes?route=exports&user={user}&limit=3", reader);

        Assert.Equal(8, exports.Count);
        Assert.Equal([3, 3, 2], pages.Select(p => p.Codes.Count));
        Assert.Equal(exports.Order(StringComparer.Ordinal), Ids(pages).Order(StringComparer.Ordinal));
        Assert.All(pages.SelectMany(p => p.Codes), c => Assert.Equal(("exports", user), (c.GetProperty("route").GetString(), c.GetProperty("user").GetString())));
        Assert.All(pages.SkipLast(1), page => Assert.Contains("route=exports", page.Next, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Codes_issued_or_revoked_between_pages_are_never_shown_twice_nor_out_of_turn()
    {
        var user = Unique("moving");
        var issued = await IssueAsync(Gateway, user, 9);
        using var admin = Gateway.CreateAdminClient();

        var first = await GetAsync(admin, $"admin/codes?user={user}&limit=4");
        var newer = (await Gateway.IssueAsync(user: user)).Id;
        var rest = issued.Except(Ids([first])).ToList();
        var revoked = rest[0];
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"admin/codes/{revoked}")).StatusCode);
        var pages = new List<Page> { first };
        pages.AddRange((await FollowAsync(first.Next!, admin)));

        var seen = Ids(pages);
        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(newer, seen);
        Assert.DoesNotContain(revoked, seen);
        Assert.Equal(issued.Where(id => id != revoked).Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        AssertNewestFirst(pages);
        Assert.Equal(newer, Ids([await GetAsync(admin, $"admin/codes?user={user}&limit=1")]).Single());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=1.5", "limit")]
    [InlineData("limit=%2B5", "limit")]
    [InlineData("cursor=!!!", "cursor")]
    [InlineData("cursor=AAAA", "cursor")]
    [InlineData("route=x&cursor=bm90LWEtY3Vyc29y", "cursor")]
    public async Task A_bad_limit_or_cursor_is_a_400_naming_it(string query, string field)
    {
        using var reader = Gateway.CreateAdminClient("reader");

        using var response = await reader.GetAsync($"admin/codes?{query}");

        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.False(response.Headers.Contains("Link"));
    }

    [Fact]
    public async Task Cursors_this_listing_did_not_give_are_refused_whatever_their_shape()
    {
        using var reader = Gateway.CreateAdminClient("reader");
        var cursors = new[]
        {
            Base64Url("1769860800000:"),
            Base64Url(":4f8k2m9q7x3c1d6h0j5r"),
            Base64Url("soon:4f8k2m9q7x3c1d6h0j5r"),
            Base64Url("1769860800000:../../etc"),
            Base64Url("99999999999999999999:4f8k2m9q7x3c1d6h0j5r"),
            new string('A', 300),
        };

        foreach (var cursor in cursors)
        {
            using var response = await reader.GetAsync($"admin/codes?cursor={Uri.EscapeDataString(cursor)}");
            var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _), $"{cursor}: {problem}");
        }
    }

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";

    private static string Base64Url(string text) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
}
