using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Admin;

/// <summary>Reading <c>GET /admin/codes</c> a page at a time, by its <c>Link: &lt;…&gt;; rel="next"</c>, as a client would.</summary>
internal static partial class CodesPages
{
    /// <summary>One page: its codes and the next page's address from the Link header (null on the last page).</summary>
    public sealed record Page(List<JsonElement> Codes, string? Next);

    public static async Task<Page> GetAsync(HttpClient admin, string pathAndQuery)
    {
        using var response = await admin.GetAsync(pathAndQuery);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {pathAndQuery}: {(int)response.StatusCode} {body}");
        string? next = null;
        if (response.Headers.TryGetValues("Link", out var links))
        {
            var match = NextLink().Match(Assert.Single(links));
            Assert.True(match.Success, $"Link is not <…>; rel=\"next\": {string.Join(", ", links)}");
            next = match.Groups["target"].Value;
        }

        return new Page(JsonSerializer.Deserialize<List<JsonElement>>(body)!, next);
    }

    /// <summary>Every page from <paramref name="first"/> on, the n-th asked of <c>clients[n % clients.Length]</c>.</summary>
    public static async Task<List<Page>> FollowAsync(string first, params HttpClient[] clients)
    {
        var pages = new List<Page> { await GetAsync(clients[0], first) };
        while (pages[^1].Next is { } next)
        {
            Assert.True(pages.Count < 1000, "the Link header never stops");
            pages.Add(await GetAsync(clients[pages.Count % clients.Length], next));
        }

        return pages;
    }

    public static List<string> Ids(IEnumerable<Page> pages) =>
        [.. pages.SelectMany(p => p.Codes).Select(c => c.GetProperty("id").GetString()!)];

    /// <summary>Asserts the codes are newest first: by issue time, then by id, each after the one before.</summary>
    public static void AssertNewestFirst(IEnumerable<Page> pages)
    {
        var codes = pages.SelectMany(p => p.Codes).Select(c => (Time: c.GetProperty("issuedAt").GetDateTimeOffset(), Id: c.GetProperty("id").GetString()!)).ToList();
        for (var i = 1; i < codes.Count; i++)
        {
            var (before, after) = (codes[i - 1], codes[i]);
            Assert.True(
                after.Time < before.Time || (after.Time == before.Time && string.CompareOrdinal(after.Id, before.Id) < 0),
                $"code {i} ({after.Time:O} {after.Id}) is not older than code {i - 1} ({before.Time:O} {before.Id})");
        }
    }

    /// <summary>Issues <paramref name="count"/> codes for <paramref name="user"/>, alternating routes; returns their ids.</summary>
    public static async Task<List<string>> IssueAsync(GatewayInstance gateway, string user, int count, params string[] routes)
    {
        routes = routes.Length == 0 ? ["orders-admin", "exports"] : routes;
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            ids.Add((await gateway.IssueAsync(route: routes[i % routes.Length], user: user)).Id);
        }

        return ids;
    }

    [GeneratedRegex("^<(?<target>[^>]+)>; rel=\"next\"$")]
    private static partial Regex NextLink();
}
