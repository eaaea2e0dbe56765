using System.Net;
using System.Security.Claims;
using LatchGateway.Access;
using LatchGateway.Identity;
using LatchGateway.Tests.Hosting;

namespace LatchGateway.Tests.Access;

/// <summary>
/// How a person is read from a principal: the user from <c>UserClaim</c>, groups from <c>GroupsClaim</c> in each
/// form identity providers send them (one claim per element, a string holding a JSON array, a plain name), the
/// e-mail from <c>EmailClaim</c>.
/// </summary>
public sealed class AccessPeopleTests : IDisposable
{
    private readonly TestSettings<LatchIdentityOptions> _settings = new(new LatchIdentityOptions());

    [Fact]
    public void Repeated_group_claims_are_all_groups()
    {
        var person = Find(("sub", "alice"), ("groups", "engineering"), ("groups", "sre"));

        Assert.Equal(["engineering", "sre"], person!.Groups.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_group_claim_holding_a_json_array_is_read_as_its_elements()
    {
        var person = Find(("sub", "alice"), ("groups", """["engineering","sre", "", null]"""), ("groups", "ops"));

        Assert.Equal(["engineering", "ops", "sre"], person!.Groups.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("[not json")]
    [InlineData("[1, 2]")]
    [InlineData("team [blue]")]
    public void A_group_claim_that_is_not_a_json_array_of_strings_is_one_group_name(string value)
    {
        var person = Find(("sub", "alice"), ("groups", value));

        Assert.Equal([value], person!.Groups);
    }

    [Fact]
    public void Group_names_match_exactly_and_duplicates_count_once()
    {
        var person = Find(("sub", "alice"), ("groups", "SRE"), ("groups", """["sre","sre"]"""), ("groups", "sre"));

        Assert.Equal(["SRE", "sre"], person!.Groups.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_groups_and_email_claims_follow_the_settings()
    {
        _settings.Set(new LatchIdentityOptions { GroupsClaim = "roles", EmailClaim = "mail" });

        var person = Find(("sub", "alice"), ("groups", "engineering"), ("roles", "sre"), ("email", "a@example.com"), ("mail", "alice@example.com"));

        Assert.Equal(["sre"], person!.Groups);
        Assert.Equal("alice@example.com", person.Email);
    }

    [Fact]
    public void A_person_without_groups_or_email_is_still_a_person()
    {
        var person = Find(("sub", "alice"), ("email", "  "));

        Assert.Equal("alice", person!.User);
        Assert.Empty(person.Groups);
        Assert.Null(person.Email);
    }

    [Fact]
    public void No_usable_user_claim_or_no_authentication_is_no_person()
    {
        Assert.Null(Find(("groups", "sre")));
        Assert.Null(Find(("sub", ""), ("groups", "sre")));
        Assert.Null(Find(("sub", "al\u0000ice")));
        Assert.Null(Find(("sub", new string('a', LatchIdentityOptions.MaxUserLength + 1))));
        var anonymous = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "alice")]));
        Assert.Null(new AccessPeople(_settings).Find(anonymous, null));
    }

    [Fact]
    public void The_address_is_kept_as_ipv4_when_it_arrived_mapped_to_ipv6()
    {
        var person = new AccessPeople(_settings).Find(Principal(("sub", "alice")), IPAddress.Parse("::ffff:203.0.113.7"));

        Assert.Equal(IPAddress.Parse("203.0.113.7"), person!.Address);
    }

    public void Dispose() => _settings.Dispose();

    private Contracts.AccessPerson? Find(params (string Type, string? Value)[] claims) =>
        new AccessPeople(_settings).Find(Principal(claims), IPAddress.Loopback);

    private static ClaimsPrincipal Principal(params (string Type, string? Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value ?? "")), authenticationType: "Bearer"));
}
