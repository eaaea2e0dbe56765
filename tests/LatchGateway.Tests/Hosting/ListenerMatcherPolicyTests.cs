using System.Net;
using LatchGateway.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LatchGateway.Tests.Hosting;

public sealed class ListenerMatcherPolicyTests
{
    private static readonly Endpoint AdminEndpoint = NewEndpoint("admin", new ListenerMetadata(Listeners.Admin));
    private static readonly Endpoint ProxyEndpoint = NewEndpoint("proxy", new ListenerMetadata(Listeners.Proxy));
    private static readonly Endpoint UnplacedEndpoint = NewEndpoint("unplaced");

    private readonly ListenerMatcherPolicy _policy = new();

    [Fact]
    public async Task On_the_proxy_listener_only_proxy_endpoints_remain()
    {
        var candidates = Candidates();

        await _policy.ApplyAsync(await RequestOn(Listeners.Proxy), candidates);

        Assert.Equal(["proxy"], Valid(candidates));
    }

    [Fact]
    public async Task On_the_admin_listener_only_admin_endpoints_remain()
    {
        var candidates = Candidates();

        await _policy.ApplyAsync(await RequestOn(Listeners.Admin), candidates);

        Assert.Equal(["admin"], Valid(candidates));
    }

    [Fact]
    public async Task A_connection_of_no_known_listener_reaches_nothing()
    {
        var candidates = Candidates();

        await _policy.ApplyAsync(new DefaultHttpContext(), candidates);

        Assert.Empty(Valid(candidates));
    }

    [Fact]
    public async Task Listener_names_match_exactly()
    {
        var candidates = Candidates();

        await _policy.ApplyAsync(await RequestOn("admin"), candidates);

        Assert.Empty(Valid(candidates));
    }

    [Fact]
    public async Task Does_not_revive_candidates_already_ruled_out()
    {
        var candidates = Candidates();
        candidates.SetValidity(1, false);

        await _policy.ApplyAsync(await RequestOn(Listeners.Proxy), candidates);

        Assert.Empty(Valid(candidates));
    }

    [Fact]
    public void Runs_before_other_policies_and_applies_to_any_endpoints()
    {
        Assert.True(_policy.Order < 0);
        Assert.True(_policy.AppliesToEndpoints([AdminEndpoint]));
        Assert.False(_policy.AppliesToEndpoints([]));
    }

    [Fact]
    public async Task Listeners_Of_reads_the_tag_put_on_the_connection()
    {
        Assert.Equal(Listeners.Admin, Listeners.Of(await RequestOn(Listeners.Admin)));
        Assert.Null(Listeners.Of(new DefaultHttpContext()));
    }

    /// <summary>A request on a connection accepted by a Kestrel endpoint tagged with <see cref="Listeners.Tag"/>.</summary>
    private static async Task<HttpContext> RequestOn(string listener)
    {
        var kestrel = new KestrelServerOptions();
        ListenOptions? listenOptions = null;
        kestrel.Listen(IPAddress.Loopback, 0, options => listenOptions = options);
        Listeners.Tag(listenOptions!, listener);

        var connection = new DefaultConnectionContext();
        await ((IConnectionBuilder)listenOptions!).Build()(connection);

        var http = new DefaultHttpContext();
        http.Features.Set<IConnectionItemsFeature>(connection);
        return http;
    }

    private static CandidateSet Candidates() =>
        new([AdminEndpoint, ProxyEndpoint, UnplacedEndpoint], [new RouteValueDictionary(), new RouteValueDictionary(), new RouteValueDictionary()], [0, 0, 0]);

    private static List<string?> Valid(CandidateSet candidates) =>
        [.. Enumerable.Range(0, candidates.Count).Where(candidates.IsValidCandidate).Select(i => candidates[i].Endpoint.DisplayName)];

    private static Endpoint NewEndpoint(string name, params object[] metadata) =>
        new(static _ => Task.CompletedTask, new EndpointMetadataCollection(metadata), name);
}
