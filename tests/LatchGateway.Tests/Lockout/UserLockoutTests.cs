using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Lockout;

/// <summary>
/// Per-user lockout: refusals by a JWT-authenticated user count against that user as well as the address, so a
/// locked-out user stays locked out from any address. Clients leave from distinct loopback addresses
/// (127.0.0.2, .3, .4 …) so the gateway sees them as different machines.
/// </summary>
public sealed class UserLockoutTests : IAsyncLifetime
{
    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    /// <summary>Both claims carry the same name, so the test runs with the default claim and with another one.</summary>
    [Theory]
    [InlineData("sub")]
    [InlineData("preferred_username")]
    public async Task Refusals_by_alice_lock_her_address_and_alice_herself_but_not_bob(string userClaim)
    {
        await using var gateway = await StartAsync(userClaim);
        var alice = Token("alice");
        var bob = Token("bob");
        using var fromTwo = LatchHttp.CreateClientFrom(gateway.ProxyAddress, IPAddress.Parse("127.0.0.2"));
        using var fromThree = LatchHttp.CreateClientFrom(gateway.ProxyAddress, IPAddress.Parse("127.0.0.3"));
        using var fromFour = LatchHttp.CreateClientFrom(gateway.ProxyAddress, IPAddress.Parse("127.0.0.4"));
        var forAlice = await gateway.IssueAsync(user: "alice");
        var forBob = await gateway.IssueAsync(user: "bob");
        var anyone = await gateway.IssueAsync();
        var anyoneElse = await gateway.IssueAsync();

        await fromTwo.RefuseAsync(3, alice);

        using (var addressLocked = await fromTwo.PresentAsync(LatchHttp.UniquePath(), anyone.Code))
        {
            Assert.InRange(await AbuseHttp.AssertLockedOutAsync(addressLocked), 291, 300);
        }

        using (var userLocked = await fromThree.PresentAsync(LatchHttp.UniquePath(), forAlice.Code, alice))
        {
            Assert.InRange(await AbuseHttp.AssertLockedOutAsync(userLocked), 291, 300);
        }

        using (var bobFine = await fromFour.PresentAsync(LatchHttp.UniquePath(), forBob.Code, bob))
        {
            Assert.True(bobFine.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(bobFine));
        }

        // Alice's 429 from 127.0.0.3 is not a refusal of that address.
        using (var anonymousFromThree = await fromThree.PresentAsync(LatchHttp.UniquePath(), anyoneElse.Code))
        {
            Assert.True(anonymousFromThree.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(anonymousFromThree));
        }

        var audit = await AbuseHttp.WaitForAuditAsync(gateway, e => e.Count(a => a.Type == "locked_out") >= 2);
        var lockouts = audit.Where(a => a.Type == "locked_out").ToList();
        Assert.Equal(2, lockouts.Count);
        Assert.Contains(lockouts, a => a.Reason == "client_ip" && a.ClientIp == "127.0.0.2");
        Assert.Contains(lockouts, a => a.Reason == "user" && a.User == "alice");
        // Alice's 429 is counted in her lockout's summary, not audited on its own.
        Assert.DoesNotContain(audit, a => a.Reason == "locked_out");
    }

    [Theory]
    [InlineData("sub")]
    [InlineData("preferred_username")]
    public async Task Refusals_by_alice_from_three_addresses_lock_alice_and_none_of_the_addresses(string userClaim)
    {
        await using var gateway = await StartAsync(userClaim);
        var alice = Token("alice");
        var clients = new[] { "127.0.0.5", "127.0.0.6", "127.0.0.7" }
            .Select(a => LatchHttp.CreateClientFrom(gateway.ProxyAddress, IPAddress.Parse(a)))
            .ToList();
        try
        {
            foreach (var client in clients)
            {
                await client.RefuseAsync(1, alice);
            }

            var forAlice = await gateway.IssueAsync(user: "alice");
            var anyone = await gateway.IssueAsync();
            using var asAlice = await clients[0].PresentAsync(LatchHttp.UniquePath(), forAlice.Code, alice);
            using var anonymous = await clients[0].PresentAsync(LatchHttp.UniquePath(), anyone.Code);

            await AbuseHttp.AssertLockedOutAsync(asAlice);
            Assert.True(anonymous.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(anonymous));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private Task<GatewayInstance> StartAsync(string userClaim)
    {
        var settings = AbuseHttp.Merge(AbuseHttp.Lockout(maxFailures: 3), TestJwt.Settings());
        settings["Latch:Identity:UserClaim"] = userClaim;
        return GatewayInstance.StartAsync(_backend, settings);
    }

    private static string Token(string user) =>
        TestJwt.Mint(new Dictionary<string, object> { ["sub"] = user, ["preferred_username"] = user });
}
