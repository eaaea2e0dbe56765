using LatchGateway.Burn;

namespace LatchGateway.Tests.Burn;

public sealed class LatchOutcomeNamesTests
{
    /// <summary>The <c>outcome</c> label values fixed by the contract.</summary>
    private static readonly string[] ContractNames =
    [
        "accepted", "missing", "invalid", "expired", "used", "revoked",
        "route_mismatch", "ip_mismatch", "user_mismatch", "locked_out", "unavailable",
    ];

    [Theory]
    [InlineData("Accepted", "accepted")]
    [InlineData("Missing", "missing")]
    [InlineData("Invalid", "invalid")]
    [InlineData("Expired", "expired")]
    [InlineData("Used", "used")]
    [InlineData("Revoked", "revoked")]
    [InlineData("RouteMismatch", "route_mismatch")]
    [InlineData("IpMismatch", "ip_mismatch")]
    [InlineData("UserMismatch", "user_mismatch")]
    [InlineData("LockedOut", "locked_out")]
    [InlineData("Unavailable", "unavailable")]
    public void ToName_gives_the_contract_label(string outcome, string expected)
    {
        Assert.Equal(expected, Enum.Parse<LatchOutcome>(outcome).ToName());
    }

    [Fact]
    public void Every_outcome_has_a_distinct_contract_label_and_every_label_an_outcome()
    {
        var names = Enum.GetValues<LatchOutcome>().Select(o => o.ToName()).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(ContractNames.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Only_refused_codes_count_as_refusals()
    {
        var refusals = Enum.GetValues<LatchOutcome>().Where(o => o.IsRefusal()).Select(o => o.ToName()).Order(StringComparer.Ordinal);

        Assert.Equal(
            ["expired", "invalid", "ip_mismatch", "revoked", "route_mismatch", "used", "user_mismatch"],
            refusals);
    }
}
